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
var RevocationService_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.RevocationService = void 0;
const common_1 = require("@nestjs/common");
const tasks_module_options_1 = require("../config/tasks-module-options");
const task_errors_1 = require("../errors/task-errors");
const queue_registry_1 = require("../queues/queue-registry");
const redis_connection_service_1 = require("../redis/redis-connection.service");
const result_store_service_1 = require("../results/result-store.service");
const task_state_1 = require("../results/task-state");
/**
 * Celery's revoke: a task that has not started never runs; with terminate, a running one is stopped
 * by whichever worker holds it. Revoked ids are kept (sorted by time) for RESULT_EXPIRES so that a
 * restarted worker still knows them, and broadcast so running workers learn at once.
 */
let RevocationService = RevocationService_1 = class RevocationService {
    redis;
    results;
    queues;
    options;
    logger = new common_1.Logger(RevocationService_1.name);
    constructor(redis, results, queues, options) {
        this.redis = redis;
        this.results = results;
        this.queues = queues;
        this.options = options;
    }
    get channel() {
        return `${this.options.prefix}:revocations`;
    }
    get revokedKey() {
        return `${this.options.prefix}:revoked`;
    }
    async revoke(taskId, terminate = false) {
        const now = new Date();
        const previous = await this.results.revoke(taskId, now);
        if (previous === '')
            throw new task_errors_1.TaskNotFoundError(taskId);
        if (task_state_1.UNSTARTED_STATES.has(previous)) {
            const record = await this.results.get(taskId);
            // Best effort: a job a worker has already fetched is locked and stays; that worker then
            // reads REVOKED from the record and skips it.
            if (record)
                await this.queues.get(record.queue).remove(taskId).catch(() => 0);
        }
        const ttlFloor = now.getTime() - this.options.resultExpires * 1000;
        const message = { taskId, terminate };
        await this.redis.client
            .multi()
            .zadd(this.revokedKey, now.getTime(), taskId)
            .zremrangebyscore(this.revokedKey, 0, ttlFloor)
            .publish(this.channel, JSON.stringify(message))
            .exec();
        const state = task_state_1.UNSTARTED_STATES.has(previous) ? 'REVOKED' : previous;
        this.logger.log(`revoked ${taskId} (was ${previous}${terminate ? ', terminate' : ''})`);
        return { task_id: taskId, previous_state: previous, state, terminate };
    }
    /** Ids revoked within the result expiry window. */
    async revokedIds() {
        const floor = Date.now() - this.options.resultExpires * 1000;
        return this.redis.client.zrangebyscore(this.revokedKey, floor, '+inf');
    }
};
exports.RevocationService = RevocationService;
exports.RevocationService = RevocationService = RevocationService_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(3, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [redis_connection_service_1.RedisConnection,
        result_store_service_1.ResultStore,
        queue_registry_1.QueueRegistry, Object])
], RevocationService);
//# sourceMappingURL=revocation.service.js.map