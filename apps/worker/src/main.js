"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("reflect-metadata");
const node_os_1 = require("node:os");
const run_worker_1 = require("./run-worker");
const worker_args_1 = require("./worker-args");
/** Container entry point: a worker configured by WORKER_QUEUES, WORKER_CONCURRENCY, WORKER_HOSTNAME, BRAIN_INCLUDE. */
async function main() {
    return (0, run_worker_1.runWorker)({
        queues: (0, worker_args_1.parseQueues)(process.env.WORKER_QUEUES),
        concurrency: (0, worker_args_1.parseConcurrency)(process.env.WORKER_CONCURRENCY, (0, node_os_1.availableParallelism)()),
        hostname: (0, worker_args_1.expandHostname)(process.env.WORKER_HOSTNAME),
    }, process.env.BRAIN_INCLUDE);
}
main().then((code) => process.exit(code), (err) => {
    console.error(`worker: ${err.message}`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map