"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runWithLimits = runWithLimits;
const task_errors_1 = require("../errors/task-errors");
/**
 * Runs `work` under Celery's time limits, in this event loop. The soft limit aborts the task's
 * signal with SoftTimeLimitExceeded, which the task may catch to clean up. Past the hard limit, or
 * when `stop` aborts (revoke with terminate), the run is abandoned at once and rejected with the
 * reason: an inline task cannot be killed, only left behind (a pool child is killed instead).
 */
async function runWithLimits(work, limits, stop) {
    const controller = new AbortController();
    const timers = [];
    let onStop;
    const stopped = new Promise((_, reject) => {
        const halt = (reason) => {
            controller.abort(reason);
            reject(reason instanceof Error ? reason : new Error(String(reason)));
        };
        onStop = () => halt(stop.reason);
        if (limits.timeLimit) {
            const hard = limits.timeLimit;
            timers.push(setTimeout(() => halt(new task_errors_1.TimeLimitExceeded(hard)), hard * 1000));
        }
    });
    stopped.catch(() => undefined);
    if (stop.aborted)
        onStop?.();
    else
        stop.addEventListener('abort', onStop, { once: true });
    if (limits.softTimeLimit) {
        const soft = limits.softTimeLimit;
        timers.push(setTimeout(() => controller.abort(new task_errors_1.SoftTimeLimitExceeded(soft)), soft * 1000));
    }
    try {
        const running = work(controller.signal);
        running.catch(() => undefined);
        return await Promise.race([running, stopped]);
    }
    finally {
        timers.forEach(clearTimeout);
        stop.removeEventListener('abort', onStop);
    }
}
//# sourceMappingURL=run-with-limits.js.map