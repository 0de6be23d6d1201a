"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TestTasks = exports.TestRetryError = void 0;
const common_1 = require("@nestjs/common");
const promises_1 = require("node:timers/promises");
const tasks_1 = require("../../../tasks/src/index.js");
class TestRetryError extends Error {
    name = 'TestRetryError';
}
exports.TestRetryError = TestRetryError;
/** The spec's test tasks: to try a deployment end to end, and its retry behaviour. */
let TestTasks = class TestTasks {
    /** Waits (abortably), then says what it did. */
    async testTask({ wait_seconds = 5 }, ctx) {
        const seconds = Number(wait_seconds);
        if (!Number.isFinite(seconds) || seconds < 0)
            throw new RangeError('wait_seconds must be a number >= 0');
        const started = new Date();
        await (0, promises_1.setTimeout)(seconds * 1000, undefined, { signal: ctx.signal });
        return {
            task_id: ctx.taskId,
            worker: ctx.hostname,
            waited_seconds: seconds,
            started_at: started.toISOString(),
            finished_at: new Date().toISOString(),
        };
    }
    /** Fails on every attempt and retries after 1 s, 2 s, 4 s ... until max_retries is spent. */
    async testRetryTask({ max_retries = 3 }, ctx) {
        const maxRetries = Number(max_retries);
        if (!Number.isInteger(maxRetries) || maxRetries < 0)
            throw new RangeError('max_retries must be an integer >= 0');
        throw ctx.retry({
            exc: new TestRetryError(`attempt ${ctx.retries + 1} failed on purpose`),
            countdown: 2 ** ctx.retries,
            maxRetries,
        });
    }
};
exports.TestTasks = TestTasks;
__decorate([
    (0, tasks_1.Task)({ name: 'backend.app.tasks.system_tasks.test_task', params: ['wait_seconds'] }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, tasks_1.TaskContext]),
    __metadata("design:returntype", Promise)
], TestTasks.prototype, "testTask", null);
__decorate([
    (0, tasks_1.Task)({ name: 'backend.app.tasks.system_tasks.test_retry_task', params: ['max_retries'] }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, tasks_1.TaskContext]),
    __metadata("design:returntype", Promise)
], TestTasks.prototype, "testRetryTask", null);
exports.TestTasks = TestTasks = __decorate([
    (0, common_1.Injectable)()
], TestTasks);
//# sourceMappingURL=test-tasks.js.map