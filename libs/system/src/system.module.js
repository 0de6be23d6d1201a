"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.SystemModule = void 0;
const common_1 = require("@nestjs/common");
const test_tasks_1 = require("./diagnostics/test-tasks");
const health_check_task_1 = require("./health/health-check.task");
const monitor_task_queue_task_1 = require("./monitoring/monitor-task-queue.task");
/** backend.app.tasks.system_tasks: health, queue monitoring and the test tasks. */
let SystemModule = class SystemModule {
};
exports.SystemModule = SystemModule;
exports.SystemModule = SystemModule = __decorate([
    (0, common_1.Module)({
        providers: [health_check_task_1.HealthCheckTask, monitor_task_queue_task_1.MonitorTaskQueueTask, test_tasks_1.TestTasks],
    })
], SystemModule);
//# sourceMappingURL=system.module.js.map