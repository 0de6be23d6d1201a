"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WORKER_CONTROL_CHANNEL = void 0;
/** Channel (after the prefix) on which workers take broadcast commands, like Celery's control. */
exports.WORKER_CONTROL_CHANNEL = 'worker-control';
//# sourceMappingURL=worker-control.js.map