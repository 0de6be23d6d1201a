"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.waitForStop = waitForStop;
/** Resolves on the first SIGTERM/SIGINT, or when `other` resolves; answers which happened. */
function waitForStop(other) {
    return new Promise((resolve) => {
        const onSignal = (signal) => {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
            resolve(signal);
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
        void other?.then(() => onSignal('SIGUSR2')).then(() => undefined);
    });
}
//# sourceMappingURL=wait-for-stop.js.map