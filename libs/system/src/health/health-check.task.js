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
exports.HealthCheckTask = void 0;
const common_1 = require("@nestjs/common");
const tasks_1 = require("../../../tasks/src/index.js");
const host_probes_1 = require("./host-probes");
const health_check_types_1 = require("./health-check.types");
const REDIS_TIMEOUT_MS = 2000;
let HealthCheckTask = class HealthCheckTask {
    redis;
    constructor(redis) {
        this.redis = redis;
    }
    /** Redis, disk and memory of the host that runs it, each judged by the spec's thresholds. */
    async healthCheck() {
        const [redis, disk, memory] = await Promise.all([this.pingRedis(), this.disk(), this.memory()]);
        const checks = { redis, disk, memory };
        return {
            timestamp: new Date().toISOString(),
            checks,
            healthy: Object.values(checks).every((c) => c.status === 'healthy'),
        };
    }
    async pingRedis() {
        const started = performance.now();
        try {
            await Promise.race([
                this.redis.client.ping(),
                new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), REDIS_TIMEOUT_MS)),
            ]);
            return { status: 'healthy', latency_ms: Math.round((performance.now() - started) * 100) / 100 };
        }
        catch (err) {
            return { status: 'unhealthy', error: err.message };
        }
    }
    async disk() {
        try {
            const d = await (0, host_probes_1.diskUsage)(process.cwd());
            return {
                status: d.percent_free < health_check_types_1.DISK_MIN_PERCENT_FREE ? 'unhealthy' : 'healthy',
                free_gb: d.free_gb,
                percent_free: d.percent_free,
            };
        }
        catch (err) {
            return { status: 'unhealthy', error: err.message };
        }
    }
    async memory() {
        try {
            const m = await (0, host_probes_1.memoryUsage)();
            return {
                status: m.percent_used > health_check_types_1.MEMORY_MAX_PERCENT_USED ? 'unhealthy' : 'healthy',
                used_gb: m.used_gb,
                percent_used: m.percent_used,
            };
        }
        catch (err) {
            return { status: 'unhealthy', error: err.message };
        }
    }
};
exports.HealthCheckTask = HealthCheckTask;
__decorate([
    (0, tasks_1.Task)({ name: 'backend.app.tasks.system_tasks.health_check', params: [], timeLimit: 60 }),
    (0, tasks_1.Schedule)({ id: 'health-check', every: 300, description: 'System health monitoring' }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Promise)
], HealthCheckTask.prototype, "healthCheck", null);
exports.HealthCheckTask = HealthCheckTask = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [tasks_1.RedisConnection])
], HealthCheckTask);
//# sourceMappingURL=health-check.task.js.map