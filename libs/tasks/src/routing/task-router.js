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
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TaskRouter = void 0;
const common_1 = require("@nestjs/common");
const picomatch_1 = __importDefault(require("picomatch"));
const tasks_module_options_1 = require("../config/tasks-module-options");
const default_routes_1 = require("./default-routes");
/**
 * Celery's task_routes: glob patterns on the task name, first match wins. Dots are literal and `*`
 * spans dots (fnmatch), so `backend.app.tasks.system_tasks.*` covers every task of that module.
 */
let TaskRouter = class TaskRouter {
    routes;
    constructor(options) {
        this.routes = Object.entries({ ...options.routes, ...default_routes_1.DEFAULT_ROUTES }).map(([pattern, queue]) => ({
            pattern,
            queue,
            // Task names hold no '/', so '*' spans dots as in Celery's fnmatch-based routes.
            matches: (0, picomatch_1.default)(pattern, { dot: true }),
        }));
        // Routes given by the app take precedence over the built-in ones.
        const custom = new Set(Object.keys(options.routes));
        this.routes.sort((a, b) => Number(custom.has(b.pattern)) - Number(custom.has(a.pattern)));
    }
    route(taskName) {
        return this.routes.find((r) => r.matches(taskName))?.queue ?? 'default';
    }
};
exports.TaskRouter = TaskRouter;
exports.TaskRouter = TaskRouter = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [Object])
], TaskRouter);
//# sourceMappingURL=task-router.js.map