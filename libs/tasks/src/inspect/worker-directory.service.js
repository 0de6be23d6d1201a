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
exports.WorkerDirectory = exports.HEARTBEAT_TTL_S = exports.HEARTBEAT_INTERVAL_S = void 0;
const common_1 = require("@nestjs/common");
const tasks_module_options_1 = require("../config/tasks-module-options");
const redis_connection_service_1 = require("../redis/redis-connection.service");
/** Heartbeats stop counting after this many seconds without a new one. */
exports.HEARTBEAT_INTERVAL_S = 2;
exports.HEARTBEAT_TTL_S = exports.HEARTBEAT_INTERVAL_S * 3;
/** Where workers announce themselves, and where the API, CLI and system tasks find them. */
let WorkerDirectory = class WorkerDirectory {
    redis;
    options;
    constructor(redis, options) {
        this.redis = redis;
        this.options = options;
    }
    key(hostname) {
        return `${this.options.prefix}:worker:${hostname}`;
    }
    get indexKey() {
        return `${this.options.prefix}:workers`;
    }
    async publish(beat) {
        await this.redis.client
            .multi()
            .set(this.key(beat.hostname), JSON.stringify(beat), 'EX', exports.HEARTBEAT_TTL_S)
            .zadd(this.indexKey, Date.now(), beat.hostname)
            .exec();
    }
    async remove(hostname) {
        await this.redis.client.multi().del(this.key(hostname)).zrem(this.indexKey, hostname).exec();
    }
    /** Workers whose heartbeat is fresh. */
    async online() {
        const names = await this.redis.client.zrange(this.indexKey, '0', '-1');
        if (!names.length)
            return [];
        const values = await this.redis.client.mget(names.map((n) => this.key(n)));
        return values.filter((v) => v !== null).map((v) => JSON.parse(v));
    }
    /** Hostnames seen within `withinSeconds` whose heartbeat has stopped. */
    async offline(withinSeconds = 3600) {
        const names = await this.redis.client.zrangebyscore(this.indexKey, String(Date.now() - withinSeconds * 1000), '+inf');
        if (!names.length)
            return [];
        const values = await this.redis.client.mget(names.map((n) => this.key(n)));
        return names.filter((_, i) => values[i] === null);
    }
};
exports.WorkerDirectory = WorkerDirectory;
exports.WorkerDirectory = WorkerDirectory = __decorate([
    (0, common_1.Injectable)(),
    __param(1, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [redis_connection_service_1.RedisConnection, Object])
], WorkerDirectory);
//# sourceMappingURL=worker-directory.service.js.map