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
exports.QueueInspector = void 0;
const common_1 = require("@nestjs/common");
const queue_names_1 = require("../queues/queue-names");
const queue_registry_1 = require("../queues/queue-registry");
/** Read-only views of the queues for monitoring. */
let QueueInspector = class QueueInspector {
    queues;
    constructor(queues) {
        this.queues = queues;
    }
    async depths() {
        return Promise.all(queue_names_1.QUEUE_NAMES.map(async (queue) => {
            const c = await this.queues.get(queue).getJobCounts('waiting', 'prioritized', 'delayed', 'active');
            return {
                queue,
                priority: queue_names_1.QUEUE_PRIORITIES[queue],
                depth: (c.waiting ?? 0) + (c.prioritized ?? 0),
                scheduled: c.delayed ?? 0,
                active: c.active ?? 0,
            };
        }));
    }
};
exports.QueueInspector = QueueInspector;
exports.QueueInspector = QueueInspector = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [queue_registry_1.QueueRegistry])
], QueueInspector);
//# sourceMappingURL=queue-inspector.service.js.map