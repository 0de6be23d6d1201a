"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TaskRevokedError = void 0;
/** The task was revoked: before it ran, with terminate while it ran, or because it expired. */
class TaskRevokedError extends Error {
    constructor(reason) {
        super(reason === 'expired'
            ? 'Task expired before a worker could run it'
            : reason === 'terminated'
                ? 'Task terminated by revoke'
                : 'Task revoked');
        this.name = 'TaskRevokedError';
    }
}
exports.TaskRevokedError = TaskRevokedError;
//# sourceMappingURL=task-revoked.error.js.map