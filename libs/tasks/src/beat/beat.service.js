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
var BeatService_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.BeatService = void 0;
const common_1 = require("@nestjs/common");
const tasks_module_options_1 = require("../config/tasks-module-options");
const queue_names_1 = require("../queues/queue-names");
const queue_registry_1 = require("../queues/queue-registry");
const task_priority_1 = require("../queues/task-priority");
const task_registry_1 = require("../registry/task-registry");
const schedule_entry_1 = require("./schedule-entry");
/**
 * Celery Beat on BullMQ job schedulers. Each declared schedule becomes a scheduler under a stable
 * key; BullMQ creates one delayed job per tick in Redis, so however many beat replicas register
 * it, each tick fires once, and nothing waits in a beat process's memory.
 */
let BeatService = BeatService_1 = class BeatService {
    registry;
    queues;
    options;
    logger = new common_1.Logger(BeatService_1.name);
    constructor(registry, queues, options) {
        this.registry = registry;
        this.queues = queues;
        this.options = options;
    }
    /** The schedules declared by the loaded domain modules. */
    declared() {
        return this.registry.all().flatMap((task) => task.schedules.map((s) => ({
            key: `${schedule_entry_1.BEAT_KEY_PREFIX}${s.id}`,
            task: task.name,
            queue: s.queue ?? task.queue,
            options: s,
        })));
    }
    /** Registers every declared schedule and removes the ones no longer declared. */
    async sync() {
        const entries = this.declared();
        for (const entry of entries) {
            const s = entry.options;
            const task = this.registry.get(entry.task);
            await this.queues.get(entry.queue).upsertJobScheduler(entry.key, s.every !== undefined ? { every: s.every * 1000 } : { pattern: s.cron, tz: this.options.timezone }, {
                name: entry.task,
                data: { args: s.args ?? [], kwargs: s.kwargs ?? {}, retries: 0 },
                opts: {
                    priority: (0, task_priority_1.toBullPriority)(s.priority ?? task.options.priority ?? task_priority_1.DEFAULT_TASK_PRIORITY),
                    removeOnComplete: true,
                    removeOnFail: true,
                },
            });
        }
        const wanted = new Set(entries.map((e) => `${e.queue}/${e.key}`));
        const removed = [];
        for (const info of await this.list()) {
            if (!wanted.has(`${info.queue}/${info.key}`)) {
                await this.queues.get(info.queue).removeJobScheduler(info.key);
                removed.push(info.key);
            }
        }
        if (removed.length)
            this.logger.log(`removed schedules no longer declared: ${removed.join(', ')}`);
        return { registered: entries.map((e) => e.key), removed };
    }
    /** Removes every beat schedule: periodic firing stops until a beat starts again. */
    async removeAll() {
        const removed = [];
        for (const info of await this.list()) {
            await this.queues.get(info.queue).removeJobScheduler(info.key);
            removed.push(info.key);
        }
        return removed;
    }
    /** Beat schedules in Redis, with their next run, soonest first. */
    async list() {
        const declared = new Set(this.declared().map((e) => `${e.queue}/${e.key}`));
        const all = [];
        for (const queue of queue_names_1.QUEUE_NAMES) {
            const schedulers = await this.queues.get(queue).getJobSchedulers(0, -1, true);
            for (const s of schedulers) {
                if (!s.key.startsWith(schedule_entry_1.BEAT_KEY_PREFIX))
                    continue;
                all.push({
                    key: s.key,
                    task: s.name,
                    queue: queue,
                    every_seconds: s.every ? s.every / 1000 : null,
                    cron: s.pattern ?? null,
                    timezone: s.tz ?? null,
                    next_run: s.next ? new Date(s.next).toISOString() : null,
                    declared: declared.has(`${queue}/${s.key}`),
                });
            }
        }
        return all.sort((a, b) => (a.next_run ?? '').localeCompare(b.next_run ?? ''));
    }
};
exports.BeatService = BeatService;
exports.BeatService = BeatService = BeatService_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(2, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [task_registry_1.TaskRegistry,
        queue_registry_1.QueueRegistry, Object])
], BeatService);
//# sourceMappingURL=beat.service.js.map