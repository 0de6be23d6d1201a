"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.QUEUE_NAMES = exports.QUEUE_PRIORITIES = void 0;
exports.isQueueName = isQueueName;
exports.byPriority = byPriority;
/**
 * The named queues. Never rename one: the names are part of the Redis keys that hold queued work.
 * Priority is strict across the queues a worker serves: higher runs first.
 */
exports.QUEUE_PRIORITIES = {
    system: 10,
    missions: 8,
    agents: 6,
    default: 5,
    maintenance: 3,
};
/** All queues, highest priority first. */
exports.QUEUE_NAMES = Object.keys(exports.QUEUE_PRIORITIES).sort((a, b) => exports.QUEUE_PRIORITIES[b] - exports.QUEUE_PRIORITIES[a]);
function isQueueName(value) {
    return typeof value === 'string' && Object.prototype.hasOwnProperty.call(exports.QUEUE_PRIORITIES, value);
}
/** Orders a worker's queues by priority, highest first, dropping duplicates. */
function byPriority(queues) {
    return [...new Set(queues)].sort((a, b) => exports.QUEUE_PRIORITIES[b] - exports.QUEUE_PRIORITIES[a]);
}
//# sourceMappingURL=queue-names.js.map