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
var TaskClient_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.TaskClient = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const task_errors_1 = require("../errors/task-errors");
const bind_arguments_1 = require("../execution/bind-arguments");
const redaction_1 = require("../execution/redaction");
const task_context_1 = require("../execution/task-context");
const queue_registry_1 = require("../queues/queue-registry");
const task_priority_1 = require("../queues/task-priority");
const task_registry_1 = require("../registry/task-registry");
const result_store_service_1 = require("../results/result-store.service");
const validate_apply_1 = require("./validate-apply");
/**
 * Sends tasks (Celery's `delay` / `apply_async`) and runs them in-process (calling the task).
 * Every check happens before anything is written, so a refused call leaves no trace.
 */
let TaskClient = TaskClient_1 = class TaskClient {
    registry;
    queues;
    results;
    logger = new common_1.Logger(TaskClient_1.name);
    constructor(registry, queues, results) {
        this.registry = registry;
        this.queues = queues;
        this.results = results;
    }
    /** `task.delay(*args)`: positional arguments only. */
    async delay(name, ...args) {
        return this.applyAsync(name, { args });
    }
    /** `task.apply_async(args, kwargs, **options)`. */
    async applyAsync(name, options = {}) {
        const task = this.registry.get(name);
        const now = Date.now();
        const v = (0, validate_apply_1.validateApply)(task, options, now);
        (0, bind_arguments_1.bindArguments)(task.options, v.args, v.kwargs);
        for (const sig of [...v.link, ...v.linkError]) {
            if (!this.registry.has(sig.name))
                throw new task_errors_1.TaskInputError(`Unknown task "${sig.name}" in link`, 'link');
        }
        const taskId = options.taskId ?? (0, node_crypto_1.randomUUID)();
        const shown = (0, redaction_1.redactArguments)(task.options, v.args, v.kwargs);
        await this.results.create({
            task_id: taskId,
            task_name: name,
            queue: v.queue,
            state: 'PENDING',
            args: shown.args,
            kwargs: shown.kwargs,
            priority: v.priority,
            retries: 0,
            worker: null,
            date_received: new Date(now).toISOString(),
            date_started: null,
            date_done: null,
            eta: v.eta?.toISOString() ?? null,
            expires: v.expires?.toISOString() ?? null,
            result: null,
            error: null,
            parent_id: options.parentId ?? null,
        }, v.delayMs);
        const message = {
            taskId,
            args: v.args,
            kwargs: v.kwargs,
            retries: 0,
            maxRetries: options.maxRetries,
            expires: v.expires?.getTime(),
            timeLimit: options.timeLimit,
            softTimeLimit: options.softTimeLimit,
            link: v.link.length ? v.link : undefined,
            linkError: v.linkError.length ? v.linkError : undefined,
            parentId: options.parentId,
        };
        try {
            await this.queues.get(v.queue).add(name, message, {
                jobId: taskId,
                delay: v.delayMs || undefined,
                priority: (0, task_priority_1.toBullPriority)(v.priority),
                removeOnComplete: true,
                removeOnFail: true,
            });
        }
        catch (err) {
            // The record must not promise a task that was never queued.
            await this.results
                .fail(taskId, { type: 'SendError', message: err.message, traceback: null }, new Date())
                .catch(() => undefined);
            throw err;
        }
        this.logger.debug(`sent ${name}[${taskId}] to ${v.queue}`);
        return { task_id: taskId, task_name: name, status: 'PENDING', queue: v.queue };
    }
    /**
     * Calls the task here and now, like calling a Celery task as a function: no queue, no record.
     * The handler gets a context of its own (no retries; `ctx.retry()` just throws).
     */
    async call(name, kwargs = {}, args = []) {
        const task = this.registry.get(name);
        const bound = (0, bind_arguments_1.bindArguments)(task.options, args, kwargs);
        const ctx = new task_context_1.TaskContext((0, node_crypto_1.randomUUID)(), name, task.queue, 0, 0, new AbortController().signal, 'local', new common_1.Logger(name));
        return (await task.handler(bound, ctx));
    }
};
exports.TaskClient = TaskClient;
exports.TaskClient = TaskClient = TaskClient_1 = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [task_registry_1.TaskRegistry,
        queue_registry_1.QueueRegistry,
        result_store_service_1.ResultStore])
], TaskClient);
//# sourceMappingURL=task-client.service.js.map