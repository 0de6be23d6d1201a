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
exports.BeatRunner = void 0;
const common_1 = require("@nestjs/common");
const node_os_1 = require("node:os");
const tasks_module_options_1 = require("../config/tasks-module-options");
const redis_connection_service_1 = require("../redis/redis-connection.service");
const beat_service_1 = require("./beat.service");
const PRESENCE_TTL_S = 15;
/**
 * A beat process: registers the schedules, announces itself, and obeys `brain beat stop`. The last
 * beat to leave removes the schedules, so stopping beat stops periodic firing, as in Celery, while
 * a replica that restarts does not interrupt the others.
 */
let BeatRunner = class BeatRunner {
    beat;
    redis;
    options;
    logger = new common_1.Logger('Beat');
    id = `${(0, node_os_1.hostname)()}:${process.pid}`;
    timer;
    stopRequested;
    /** Resolves when `brain beat stop` asks the beats to stop. */
    stopRequest = new Promise((resolve) => (this.stopRequested = resolve));
    constructor(beat, redis, options) {
        this.beat = beat;
        this.redis = redis;
        this.options = options;
    }
    get channel() {
        return `${this.options.prefix}:beat-control`;
    }
    presenceKey(id) {
        return `${this.options.prefix}:beat-alive:${id}`;
    }
    async start() {
        const sub = this.redis.create('beat-subscriber');
        await sub.subscribe(this.channel);
        sub.on('message', () => this.stopRequested?.());
        await this.announce();
        this.timer = setInterval(() => void this.announce(), 5000);
        const { registered, removed } = await this.beat.sync();
        this.logger.log(`beat ${this.id}: ${registered.length} schedule(s) registered, ${removed.length} removed`);
        for (const s of await this.beat.list()) {
            this.logger.log(`  ${s.key} -> ${s.task} on ${s.queue}, next ${s.next_run}`);
        }
    }
    async stop() {
        clearInterval(this.timer);
        await this.redis.client.del(this.presenceKey(this.id));
        const others = await this.redis.client.keys(this.presenceKey('*'));
        if (others.length === 0) {
            const removed = await this.beat.removeAll();
            this.logger.log(`last beat out: ${removed.length} schedule(s) removed, periodic firing stopped`);
        }
        else {
            this.logger.log(`beat ${this.id} stopped; ${others.length} other beat(s) keep the schedules`);
        }
    }
    /** Asks every beat process to stop, and stops periodic firing. Answers the schedules removed. */
    async requestStopAll() {
        await this.redis.client.publish(this.channel, 'stop');
        return this.beat.removeAll();
    }
    async announce() {
        await this.redis.client
            .set(this.presenceKey(this.id), new Date().toISOString(), 'EX', PRESENCE_TTL_S)
            .catch((err) => this.logger.warn(`presence: ${err.message}`));
    }
};
exports.BeatRunner = BeatRunner;
exports.BeatRunner = BeatRunner = __decorate([
    (0, common_1.Injectable)(),
    __param(2, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [beat_service_1.BeatService,
        redis_connection_service_1.RedisConnection, Object])
], BeatRunner);
//# sourceMappingURL=beat-runner.service.js.map