"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseQueues = parseQueues;
exports.parseConcurrency = parseConcurrency;
exports.expandHostname = expandHostname;
const node_os_1 = require("node:os");
const tasks_1 = require("../../../libs/tasks/src/index.js");
/** Parses `--queue=system,missions`; answers the queues or throws naming the bad one. */
function parseQueues(raw) {
    if (!raw)
        return [...tasks_1.QUEUE_NAMES];
    const names = raw.split(',').map((q) => q.trim()).filter(Boolean);
    const bad = names.filter((q) => !(0, tasks_1.isQueueName)(q));
    if (bad.length || !names.length) {
        throw new Error(`--queue: unknown queue ${bad.map((b) => `"${b}"`).join(', ') || '(empty)'}; known: ${tasks_1.QUEUE_NAMES.join(', ')}`);
    }
    return names;
}
function parseConcurrency(raw, fallback) {
    if (raw === undefined)
        return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 1000)
        throw new Error('--concurrency must be an integer from 1 to 1000');
    return n;
}
/** Celery's node name: `%h` is the host, `%p` the pid; the default is unique per process. */
function expandHostname(raw) {
    const template = raw ?? 'worker-%p@%h';
    return template.replace(/%h/g, (0, node_os_1.hostname)()).replace(/%p/g, String(process.pid));
}
//# sourceMappingURL=worker-args.js.map