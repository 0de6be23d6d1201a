"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TaskWorkerModule = void 0;
const common_1 = require("@nestjs/common");
const task_executor_1 = require("./task-executor");
const task_worker_service_1 = require("./task-worker.service");
/** Consumers: imported by the worker process only. */
let TaskWorkerModule = class TaskWorkerModule {
};
exports.TaskWorkerModule = TaskWorkerModule;
exports.TaskWorkerModule = TaskWorkerModule = __decorate([
    (0, common_1.Module)({
        providers: [task_executor_1.TaskExecutor, task_worker_service_1.TaskWorker],
        exports: [task_worker_service_1.TaskWorker],
    })
], TaskWorkerModule);
//# sourceMappingURL=task-worker.module.js.map