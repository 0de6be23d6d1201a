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
exports.TaskExecutor = void 0;
const common_1 = require("@nestjs/common");
const task_client_service_1 = require("../client/task-client.service");
const task_revoked_error_1 = require("../errors/task-revoked.error");
const bind_arguments_1 = require("../execution/bind-arguments");
const redaction_1 = require("../execution/redaction");
const run_with_limits_1 = require("../execution/run-with-limits");
const task_context_1 = require("../execution/task-context");
const to_task_error_1 = require("../execution/to-task-error");
const queue_names_1 = require("../queues/queue-names");
const task_priority_1 = require("../queues/task-priority");
const task_registry_1 = require("../registry/task-registry");
const retry_policy_1 = require("../retry/retry-policy");
const result_store_service_1 = require("../results/result-store.service");
/**
 * Runs one fetched job to its end: guards against revocation and expiry, runs the handler under
 * its limits, then records SUCCESS, RETRY or FAILURE and moves the BullMQ job accordingly.
 * An error from a handler is never swallowed: it becomes a retry or a FAILURE.
 */
let TaskExecutor = class TaskExecutor {
    registry;
    results;
    client;
    logger = new common_1.Logger('Task');
    constructor(registry, results, client) {
        this.registry = registry;
        this.results = results;
        this.client = client;
    }
    async execute(job, token, hostname, stop, defaults = {}) {
        const began = Date.now();
        const msg = normalizeMessage(job);
        const outcome = (state) => ({
            taskName: job.name,
            state,
            runtimeMs: Date.now() - began,
        });
        if (msg.expires !== undefined && began > msg.expires) {
            await this.results.fail(msg.taskId, (0, to_task_error_1.toTaskError)(new task_revoked_error_1.TaskRevokedError('expired')), new Date(), 'REVOKED');
            await job.moveToCompleted(undefined, token, false);
            this.logger.warn(`${job.name}[${msg.taskId}] expired before it could run`);
            return outcome('REVOKED');
        }
        const previous = await this.results.start(msg.taskId, hostname, new Date(began));
        if (previous === 'REVOKED') {
            await job.moveToCompleted(undefined, token, false);
            this.logger.log(`${job.name}[${msg.taskId}] skipped: revoked`);
            return outcome('REVOKED');
        }
        const task = this.registry.has(job.name) ? this.registry.get(job.name) : undefined;
        if (previous === '')
            await this.createMissingRecord(job, msg, task, hostname, began);
        if (!task) {
            const err = new Error(`Task "${job.name}" is not registered on worker ${hostname}`);
            err.name = 'NotRegistered';
            return outcome(await this.fail(job, token, msg, err));
        }
        this.logger.log(`${job.name}[${msg.taskId}] received`);
        const ctx = (signal) => new task_context_1.TaskContext(msg.taskId, task.name, queueOf(job), msg.retries, msg.maxRetries ?? task.options.maxRetries ?? retry_policy_1.DEFAULT_MAX_RETRIES, signal, hostname, this.logger, msg.parentId);
        let result;
        try {
            const kwargs = (0, bind_arguments_1.bindArguments)(task.options, msg.args, msg.kwargs);
            result = await (0, run_with_limits_1.runWithLimits)(async (signal) => task.handler(kwargs, ctx(signal)), {
                timeLimit: msg.timeLimit ?? task.options.timeLimit ?? defaults.timeLimit,
                softTimeLimit: msg.softTimeLimit ?? task.options.softTimeLimit ?? defaults.softTimeLimit,
            }, stop);
            // A result that cannot be stored is the task's failure, not the worker's.
            result = result === undefined ? null : JSON.parse(JSON.stringify(result));
        }
        catch (err) {
            return outcome(await this.handleError(job, token, msg, task, err));
        }
        await this.results.succeed(msg.taskId, result, !task.options.ignoreResult, new Date());
        await job.moveToCompleted(undefined, token, false);
        this.logger.log(`${task.name}[${msg.taskId}] succeeded in ${Date.now() - began}ms`);
        await this.sendAll(msg.link, (sig) => [result, ...(sig.args ?? [])], msg.taskId);
        return outcome('SUCCESS');
    }
    async handleError(job, token, msg, task, err) {
        if (err instanceof task_revoked_error_1.TaskRevokedError) {
            await this.results.fail(msg.taskId, (0, to_task_error_1.toTaskError)(err), new Date(), 'REVOKED');
            await job.moveToCompleted(undefined, token, false);
            this.logger.warn(`${task.name}[${msg.taskId}] terminated`);
            return 'REVOKED';
        }
        const decision = (0, retry_policy_1.decideRetry)(task.options, err, msg.retries, msg.maxRetries);
        if (!decision.retry)
            return this.fail(job, token, msg, decision.error);
        const retries = msg.retries + 1;
        const cause = (0, to_task_error_1.toTaskError)(err);
        await this.results.retrying(msg.taskId, retries, cause, decision.delayMs);
        await job.updateData({ ...msg, retries, maxRetries: decision.maxRetries });
        await job.moveToDelayed(Date.now() + decision.delayMs, token);
        this.logger.warn(`${task.name}[${msg.taskId}] retry ${retries}/${decision.maxRetries} in ${(decision.delayMs / 1000).toFixed(2)}s: ${cause.message}`);
        return 'RETRY';
    }
    async fail(job, token, msg, err) {
        const error = (0, to_task_error_1.toTaskError)(err);
        await this.results.fail(msg.taskId, error, new Date());
        await job.moveToFailed(err instanceof Error ? err : new Error(error.message), token, false);
        this.logger.error(`${job.name}[${msg.taskId}] failed: ${error.type}: ${error.message}`);
        const request = { id: msg.taskId, task: job.name, ...(0, redaction_1.redactArguments)(undefined, msg.args, msg.kwargs) };
        await this.sendAll(msg.linkError, (sig) => [request, { type: error.type, message: error.message }, error.traceback, ...(sig.args ?? [])], msg.taskId);
        return 'FAILURE';
    }
    /** Sends callbacks; one that cannot be sent is logged, and does not undo the task's outcome. */
    async sendAll(sigs, argsFor, parentId) {
        const sent = [];
        for (const sig of sigs ?? []) {
            try {
                sent.push(await this.client.applyAsync(sig.name, { args: argsFor(sig), kwargs: sig.kwargs, queue: sig.queue, parentId }));
            }
            catch (err) {
                this.logger.error(`callback ${sig.name} of ${parentId} could not be sent: ${err.message}`);
            }
        }
        return sent;
    }
    /** Jobs from Beat's schedulers (or a record that expired while queued) get their record here. */
    async createMissingRecord(job, msg, task, hostname, began) {
        const shown = (0, redaction_1.redactArguments)(task?.options, msg.args, msg.kwargs);
        await this.results.create({
            task_id: msg.taskId,
            task_name: job.name,
            queue: queueOf(job),
            state: 'STARTED',
            args: shown.args,
            kwargs: shown.kwargs,
            priority: task?.options.priority ?? task_priority_1.DEFAULT_TASK_PRIORITY,
            retries: msg.retries,
            worker: hostname,
            date_received: new Date(job.timestamp).toISOString(),
            date_started: new Date(began).toISOString(),
            date_done: null,
            eta: null,
            expires: null,
            result: null,
            error: null,
            parent_id: msg.parentId ?? null,
        });
    }
};
exports.TaskExecutor = TaskExecutor;
exports.TaskExecutor = TaskExecutor = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [task_registry_1.TaskRegistry,
        result_store_service_1.ResultStore,
        task_client_service_1.TaskClient])
], TaskExecutor);
function queueOf(job) {
    return (0, queue_names_1.isQueueName)(job.queueName) ? job.queueName : 'default';
}
/** Scheduler-made jobs carry only args/kwargs: their task id is the job id. */
function normalizeMessage(job) {
    const data = job.data ?? {};
    return {
        ...data,
        taskId: data.taskId ?? String(job.id),
        args: Array.isArray(data.args) ? data.args : [],
        kwargs: data.kwargs && typeof data.kwargs === 'object' ? data.kwargs : {},
        retries: data.retries ?? 0,
    };
}
//# sourceMappingURL=task-executor.js.map