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
var TaskWorker_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.TaskWorker = void 0;
const common_1 = require("@nestjs/common");
const node_os_1 = require("node:os");
const tasks_module_options_1 = require("../config/tasks-module-options");
const task_revoked_error_1 = require("../errors/task-revoked.error");
const worker_directory_service_1 = require("../inspect/worker-directory.service");
const queue_names_1 = require("../queues/queue-names");
const redis_connection_service_1 = require("../redis/redis-connection.service");
const revocation_service_1 = require("../revocation/revocation.service");
const dispatcher_1 = require("./dispatcher");
const task_executor_1 = require("./task-executor");
const worker_control_1 = require("./worker-control");
/**
 * A worker process's engine: dispatcher, executor, revocation and control listeners, heartbeat.
 * Only the worker app imports it, so API and CLI processes never consume tasks.
 */
let TaskWorker = TaskWorker_1 = class TaskWorker {
    redis;
    executor;
    revocations;
    directory;
    tasksOptions;
    logger = new common_1.Logger(TaskWorker_1.name);
    dispatcher;
    options;
    stops = new Map();
    totals = {};
    processed = 0;
    startedAt = new Date();
    heartbeatTimer;
    stopping;
    shutdownRequested;
    /** Resolves when a remote `worker stop` asks this worker to shut down. */
    shutdownRequest = new Promise((resolve) => (this.shutdownRequested = resolve));
    constructor(redis, executor, revocations, directory, tasksOptions) {
        this.redis = redis;
        this.executor = executor;
        this.revocations = revocations;
        this.directory = directory;
        this.tasksOptions = tasksOptions;
    }
    get hostname() {
        return this.options?.hostname;
    }
    async start(options) {
        const queues = (0, queue_names_1.byPriority)(options.queues);
        this.options = { ...options, queues };
        this.startedAt = new Date();
        await this.listen();
        this.dispatcher = new dispatcher_1.Dispatcher({
            queues,
            concurrency: options.concurrency,
            hostname: options.hostname,
            prefix: this.tasksOptions.prefix,
            connection: this.redis.connectionOptions,
            client: this.redis.client,
            blockingClient: this.redis.create('dispatcher-wait'),
        }, (job, token) => this.run(job, token));
        await this.dispatcher.start();
        await this.heartbeat();
        this.heartbeatTimer = setInterval(() => void this.heartbeat(), worker_directory_service_1.HEARTBEAT_INTERVAL_S * 1000);
        this.logger.log(`worker ${options.hostname} ready: queues ${queues.join(', ')}, concurrency ${options.concurrency}`);
    }
    /** Graceful stop: no new tasks; running ones get the grace period; then connections close. */
    stop() {
        this.stopping ??= this.doStop();
        return this.stopping;
    }
    async onApplicationShutdown() {
        await this.stop();
    }
    async doStop() {
        const dispatcher = this.dispatcher;
        if (!dispatcher)
            return;
        this.logger.log(`worker ${this.options?.hostname} stopping: ${dispatcher.activeCount} task(s) running`);
        await dispatcher.stopFetching();
        const finished = await dispatcher.drain(this.options?.gracePeriodMs ?? 30_000);
        if (!finished) {
            this.logger.warn(`${dispatcher.activeCount} task(s) still running after the grace period: left to stalled-job recovery`);
        }
        clearInterval(this.heartbeatTimer);
        await dispatcher.close();
        if (this.options)
            await this.directory.remove(this.options.hostname).catch(() => undefined);
        this.logger.log(`worker ${this.options?.hostname} stopped`);
    }
    async run(job, token) {
        const stop = new AbortController();
        const id = String(job.id);
        this.stops.set(id, stop);
        try {
            const outcome = await this.executor.execute(job, token, this.options.hostname, stop.signal, this.options);
            this.totals[outcome.taskName] = (this.totals[outcome.taskName] ?? 0) + 1;
            this.processed++;
        }
        finally {
            this.stops.delete(id);
        }
    }
    async listen() {
        const sub = this.redis.create('worker-subscriber');
        const control = `${this.tasksOptions.prefix}:${worker_control_1.WORKER_CONTROL_CHANNEL}`;
        await sub.subscribe(this.revocations.channel, control);
        sub.on('message', (channel, raw) => {
            try {
                if (channel === this.revocations.channel)
                    this.onRevoke(JSON.parse(raw));
                else
                    this.onControl(JSON.parse(raw));
            }
            catch (err) {
                this.logger.warn(`bad message on ${channel}: ${err.message}`);
            }
        });
    }
    onRevoke(msg) {
        const stop = msg.terminate ? this.stops.get(msg.taskId) : undefined;
        if (!stop)
            return;
        this.logger.warn(`terminating ${msg.taskId}`);
        stop.abort(new task_revoked_error_1.TaskRevokedError('terminated'));
    }
    onControl(msg) {
        if (msg.command !== 'shutdown')
            return;
        if (msg.hostname && msg.hostname !== this.options?.hostname)
            return;
        this.logger.log('shutdown requested remotely');
        this.shutdownRequested?.();
    }
    async heartbeat() {
        if (!this.options || !this.dispatcher)
            return;
        const usage = process.cpuUsage();
        const beat = {
            hostname: this.options.hostname,
            pid: process.pid,
            queues: [...this.options.queues],
            pool: { implementation: 'inline', 'max-concurrency': this.options.concurrency },
            total: { ...this.totals },
            processed: this.processed,
            active: this.dispatcher.activeJobs().map(({ job, queue }) => ({
                task_id: job.data?.taskId ?? String(job.id),
                task_name: job.name,
                queue,
                time_start: new Date(job.processedOn ?? Date.now()).toISOString(),
            })),
            started_at: this.startedAt.toISOString(),
            sent_at: new Date().toISOString(),
            cpu_seconds: (usage.user + usage.system) / 1e6,
            rss_bytes: process.memoryUsage().rss,
            loadavg: (0, node_os_1.loadavg)(),
        };
        await this.directory.publish(beat).catch((err) => this.logger.warn(`heartbeat failed: ${err.message}`));
    }
};
exports.TaskWorker = TaskWorker;
exports.TaskWorker = TaskWorker = TaskWorker_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(4, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [redis_connection_service_1.RedisConnection,
        task_executor_1.TaskExecutor,
        revocation_service_1.RevocationService,
        worker_directory_service_1.WorkerDirectory, Object])
], TaskWorker);
//# sourceMappingURL=task-worker.service.js.map