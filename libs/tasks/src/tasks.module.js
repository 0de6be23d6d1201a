"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var TasksOptionsModule_1, TasksModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.TasksModule = void 0;
const bullmq_1 = require("@nestjs/bullmq");
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const task_client_service_1 = require("./client/task-client.service");
const tasks_module_options_1 = require("./config/tasks-module-options");
const queue_inspector_service_1 = require("./inspect/queue-inspector.service");
const worker_directory_service_1 = require("./inspect/worker-directory.service");
const queue_names_1 = require("./queues/queue-names");
const queue_registry_1 = require("./queues/queue-registry");
const redis_connection_service_1 = require("./redis/redis-connection.service");
const task_registry_1 = require("./registry/task-registry");
const result_store_service_1 = require("./results/result-store.service");
const revocation_service_1 = require("./revocation/revocation.service");
const task_router_1 = require("./routing/task-router");
const SERVICES = [
    redis_connection_service_1.RedisConnection,
    task_router_1.TaskRouter,
    task_registry_1.TaskRegistry,
    queue_registry_1.QueueRegistry,
    result_store_service_1.ResultStore,
    task_client_service_1.TaskClient,
    revocation_service_1.RevocationService,
    worker_directory_service_1.WorkerDirectory,
    queue_inspector_service_1.QueueInspector,
];
let TasksOptionsModule = TasksOptionsModule_1 = class TasksOptionsModule {
    static register(options) {
        const provider = {
            provide: tasks_module_options_1.TASKS_OPTIONS,
            inject: options.inject ?? [],
            useFactory: async (...args) => (0, tasks_module_options_1.resolveTasksOptions)(await options.useFactory(...args)),
        };
        return {
            module: TasksOptionsModule_1,
            imports: options.imports ?? [],
            providers: [provider],
            exports: [provider],
        };
    }
};
TasksOptionsModule = TasksOptionsModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], TasksOptionsModule);
/**
 * The engine, for every process that sends or inspects tasks. It starts no consumer: only the
 * worker app adds {@link TaskWorkerModule}.
 */
let TasksModule = TasksModule_1 = class TasksModule {
    static forRoot(options) {
        return this.forRootAsync({ useFactory: () => options });
    }
    static forRootAsync(options) {
        const optionsModule = TasksOptionsModule.register(options);
        return {
            module: TasksModule_1,
            imports: [
                core_1.DiscoveryModule,
                optionsModule,
                bullmq_1.BullModule.forRootAsync({
                    imports: [optionsModule],
                    inject: [tasks_module_options_1.TASKS_OPTIONS],
                    useFactory: (o) => ({
                        connection: new redis_connection_service_1.RedisConnection(o).connectionOptions,
                        prefix: o.prefix,
                    }),
                }),
                bullmq_1.BullModule.registerQueue(...queue_names_1.QUEUE_NAMES.map((name) => ({ name }))),
            ],
            providers: SERVICES,
            exports: [...SERVICES, optionsModule],
        };
    }
};
exports.TasksModule = TasksModule;
exports.TasksModule = TasksModule = TasksModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], TasksModule);
//# sourceMappingURL=tasks.module.js.map