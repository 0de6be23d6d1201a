"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TASKS_OPTIONS = void 0;
exports.resolveTasksOptions = resolveTasksOptions;
exports.TASKS_OPTIONS = Symbol('TASKS_OPTIONS');
function resolveTasksOptions(options) {
    return {
        redisUrl: options.redisUrl,
        prefix: options.prefix ?? 'brain',
        resultExpires: options.resultExpires ?? 3600,
        timezone: options.timezone ?? 'UTC',
        routes: options.routes ?? {},
    };
}
//# sourceMappingURL=tasks-module-options.js.map