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
exports.QueueRegistry = void 0;
const bullmq_1 = require("@nestjs/bullmq");
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const queue_names_1 = require("./queue-names");
/** The BullMQ queue of each named queue, as registered with @nestjs/bullmq. */
let QueueRegistry = class QueueRegistry {
    moduleRef;
    queues = new Map();
    constructor(moduleRef) {
        this.moduleRef = moduleRef;
    }
    get(name) {
        let queue = this.queues.get(name);
        if (!queue) {
            queue = this.moduleRef.get((0, bullmq_1.getQueueToken)(name), { strict: false });
            this.queues.set(name, queue);
        }
        return queue;
    }
    all() {
        return queue_names_1.QUEUE_NAMES.map((name) => [name, this.get(name)]);
    }
};
exports.QueueRegistry = QueueRegistry;
exports.QueueRegistry = QueueRegistry = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [core_1.ModuleRef])
], QueueRegistry);
//# sourceMappingURL=queue-registry.js.map