"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UNSTARTED_STATES = exports.READY_STATES = exports.TASK_STATES = void 0;
/** Celery's task states, with the same words, as clients of the old system read them. */
exports.TASK_STATES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'RETRY', 'REVOKED'];
exports.READY_STATES = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);
/** States in which a task can still be revoked without terminating anything. */
exports.UNSTARTED_STATES = new Set(['PENDING', 'RETRY']);
//# sourceMappingURL=task-state.js.map