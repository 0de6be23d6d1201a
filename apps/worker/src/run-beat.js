"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runBeat = runBeat;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const tasks_1 = require("../../../libs/tasks/src/index.js");
const beat_app_module_1 = require("./beat-app.module");
const wait_for_stop_1 = require("./wait-for-stop");
/** Runs a beat process until SIGTERM/SIGINT or `brain beat stop`. Answers the exit code. */
async function runBeat() {
    const app = await core_1.NestFactory.createApplicationContext(beat_app_module_1.BeatAppModule);
    const beat = app.get(tasks_1.BeatRunner);
    await beat.start();
    const reason = await (0, wait_for_stop_1.waitForStop)(beat.stopRequest);
    new common_1.Logger('Beat').log(`${reason === 'SIGUSR2' ? 'beat stop' : reason} received: stopping`);
    await beat.stop();
    await app.close();
    return 0;
}
//# sourceMappingURL=run-beat.js.map