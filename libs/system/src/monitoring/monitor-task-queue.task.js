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
exports.MonitorTaskQueueTask = exports.STUCK_AFTER_MINUTES = exports.QUEUE_DEPTH_ALERT = void 0;
const common_1 = require("@nestjs/common");
const tasks_1 = require("../../../tasks/src/index.js");
/** The spec's alert thresholds. */
exports.QUEUE_DEPTH_ALERT = 1000;
exports.STUCK_AFTER_MINUTES = 30;
let MonitorTaskQueueTask = class MonitorTaskQueueTask {
    inspector;
    directory;
    constructor(inspector, directory) {
        this.inspector = inspector;
        this.directory = directory;
    }
    /** Depth of each queue, live workers, tasks running too long, and the alerts they raise. */
    async monitorTaskQueue() {
        const now = Date.now();
        const [queues, workers] = await Promise.all([this.inspector.depths(), this.directory.online()]);
        const stuck = workers.flatMap((w) => w.active
            .map((t) => ({
            task_id: t.task_id,
            task_name: t.task_name,
            worker: w.hostname,
            running_minutes: Math.floor((now - Date.parse(t.time_start)) / 60_000),
        }))
            .filter((t) => t.running_minutes >= exports.STUCK_AFTER_MINUTES));
        const alerts = [
            ...queues
                .filter((q) => q.depth > exports.QUEUE_DEPTH_ALERT)
                .map((q) => `Queue "${q.queue}" depth ${q.depth} exceeds ${exports.QUEUE_DEPTH_ALERT}`),
            ...stuck.map((t) => `Task ${t.task_name}[${t.task_id}] running for ${t.running_minutes} minutes on ${t.worker}`),
            ...(workers.length === 0 ? ['No active workers'] : []),
        ];
        return {
            timestamp: new Date(now).toISOString(),
            queues,
            workers: { online: workers.map((w) => w.hostname).sort(), total: workers.length },
            stuck_tasks: stuck,
            alerts,
            healthy: alerts.length === 0,
        };
    }
};
exports.MonitorTaskQueueTask = MonitorTaskQueueTask;
__decorate([
    (0, tasks_1.Task)({ name: 'backend.app.tasks.system_tasks.monitor_task_queue', params: [], timeLimit: 60 }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Promise)
], MonitorTaskQueueTask.prototype, "monitorTaskQueue", null);
exports.MonitorTaskQueueTask = MonitorTaskQueueTask = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [tasks_1.QueueInspector,
        tasks_1.WorkerDirectory])
], MonitorTaskQueueTask);
//# sourceMappingURL=monitor-task-queue.task.js.map