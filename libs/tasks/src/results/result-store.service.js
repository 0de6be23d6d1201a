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
Object.defineProperty(exports, "__esModule", { value: true });
exports.ResultStore = void 0;
const common_1 = require("@nestjs/common");
const tasks_module_options_1 = require("../config/tasks-module-options");
const redis_connection_service_1 = require("../redis/redis-connection.service");
const result_store_lua_1 = require("./result-store.lua");
const JSON_FIELDS = new Set(['args', 'kwargs', 'result', 'error']);
const NUMBER_FIELDS = new Set(['priority', 'retries']);
/**
 * The result backend: one Redis hash per task id, expiring RESULT_EXPIRES seconds after its last
 * change (later for a task still waiting on a countdown), plus a time index for listings.
 */
let ResultStore = class ResultStore {
    redis;
    options;
    constructor(redis, options) {
        this.redis = redis;
        this.options = options;
    }
    get expiresSeconds() {
        return this.options.resultExpires;
    }
    key(taskId) {
        return `${this.options.prefix}:task:${taskId}`;
    }
    get indexKey() {
        return `${this.options.prefix}:tasks`;
    }
    /** Writes the whole record of a task just sent. `waitMs` keeps it alive through a countdown. */
    async create(record, waitMs = 0) {
        const key = this.key(record.task_id);
        await this.redis.client
            .multi()
            .del(key)
            .hset(key, encode(record))
            .expire(key, this.ttl(waitMs))
            .zadd(this.indexKey, Date.parse(record.date_received), record.task_id)
            .exec();
    }
    async get(taskId) {
        const raw = await this.redis.client.hgetall(this.key(taskId));
        return Object.keys(raw).length ? decode(raw) : null;
    }
    /** Marks the task STARTED on `worker`; answers the previous state (REVOKED: skip it, '' : no record). */
    async start(taskId, worker, at) {
        const prev = (await this.redis.client.eval(result_store_lua_1.START_SCRIPT, 1, this.key(taskId), worker, at.toISOString()));
        return prev;
    }
    /** Revokes a task that has not started; answers its state before (or '' when unknown). */
    async revoke(taskId, at) {
        return (await this.redis.client.eval(result_store_lua_1.REVOKE_SCRIPT, 1, this.key(taskId), at.toISOString(), this.options.resultExpires));
    }
    /** Sets some fields and refreshes the expiry. */
    async update(taskId, fields, waitMs = 0) {
        const key = this.key(taskId);
        await this.redis.client.multi().hset(key, encode(fields)).expire(key, this.ttl(waitMs)).exec();
    }
    async succeed(taskId, result, keepResult, at) {
        await this.update(taskId, {
            state: 'SUCCESS',
            date_done: at.toISOString(),
            error: null,
            ...(keepResult ? { result } : {}),
        });
    }
    async fail(taskId, error, at, state = 'FAILURE') {
        await this.update(taskId, { state, error, date_done: at.toISOString() });
    }
    async retrying(taskId, retries, error, delayMs) {
        await this.update(taskId, { state: 'RETRY', retries, error }, delayMs);
    }
    /** Ids of recent tasks, newest first. */
    async recentIds(limit, offset = 0) {
        return this.redis.client.zrevrange(this.indexKey, offset, offset + limit - 1);
    }
    /** Forgets index entries whose records have expired. */
    async pruneIndex(now = Date.now()) {
        const horizon = now - this.options.resultExpires * 1000;
        const stale = await this.redis.client.zrangebyscore(this.indexKey, 0, horizon);
        if (!stale.length)
            return 0;
        const exists = await this.redis.client.pipeline(stale.map((id) => ['exists', this.key(id)])).exec();
        const gone = stale.filter((_, i) => exists?.[i]?.[1] === 0);
        if (gone.length)
            await this.redis.client.zrem(this.indexKey, ...gone);
        return gone.length;
    }
    ttl(waitMs) {
        return this.options.resultExpires + Math.ceil(waitMs / 1000);
    }
};
exports.ResultStore = ResultStore;
exports.ResultStore = ResultStore = __decorate([
    (0, common_1.Injectable)(),
    __param(1, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [redis_connection_service_1.RedisConnection, Object])
], ResultStore);
function encode(fields) {
    const out = {};
    for (const [k, v] of Object.entries(fields)) {
        if (v === undefined)
            continue;
        out[k] = JSON_FIELDS.has(k) ? JSON.stringify(v) : v === null ? '' : String(v);
    }
    return out;
}
function decode(raw) {
    const out = {};
    for (const [k, v] of Object.entries(raw)) {
        if (JSON_FIELDS.has(k))
            out[k] = v === '' ? null : JSON.parse(v);
        else if (NUMBER_FIELDS.has(k))
            out[k] = Number(v);
        else
            out[k] = v === '' ? null : v;
    }
    return {
        result: null,
        error: null,
        worker: null,
        date_started: null,
        date_done: null,
        eta: null,
        expires: null,
        parent_id: null,
        ...out,
    };
}
//# sourceMappingURL=result-store.service.js.map