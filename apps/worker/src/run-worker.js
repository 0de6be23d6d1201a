"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runWorker = runWorker;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const tasks_1 = require("../../../libs/tasks/src/index.js");
const task_includes_1 = require("./task-includes");
const wait_for_stop_1 = require("./wait-for-stop");
const worker_app_module_1 = require("./worker-app.module");
/**
 * Runs a worker until SIGTERM/SIGINT or a remote `worker stop`: then it stops taking tasks, lets
 * running ones finish within the grace period, and closes. Answers the exit code.
 */
async function runWorker(options, include) {
    const app = await core_1.NestFactory.createApplicationContext(worker_app_module_1.WorkerAppModule.register((0, task_includes_1.loadIncludes)(include)));
    const worker = app.get(tasks_1.TaskWorker);
    await worker.start(options);
    const reason = await (0, wait_for_stop_1.waitForStop)(worker.shutdownRequest);
    new common_1.Logger('Worker').log(`${reason === 'SIGUSR2' ? 'remote stop' : reason} received: warm shutdown`);
    await worker.stop();
    await app.close();
    return 0;
}
//# sourceMappingURL=run-worker.js.map