"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.toTaskError = toTaskError;
/** The record's view of anything thrown: class name, message, stack. */
function toTaskError(err) {
    if (err instanceof Error) {
        const type = err.name && err.name !== 'Error' ? err.name : err.constructor.name || 'Error';
        return { type, message: err.message, traceback: err.stack ?? null };
    }
    return { type: 'Error', message: typeof err === 'string' ? err : JSON.stringify(err), traceback: null };
}
//# sourceMappingURL=to-task-error.js.map