"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
__exportStar(require("./beat/beat-runner.service"), exports);
__exportStar(require("./beat/beat.module"), exports);
__exportStar(require("./beat/beat.service"), exports);
__exportStar(require("./beat/schedule-entry"), exports);
__exportStar(require("./client/apply-options"), exports);
__exportStar(require("./client/task-client.service"), exports);
__exportStar(require("./config/tasks-module-options"), exports);
__exportStar(require("./errors/task-errors"), exports);
__exportStar(require("./errors/task-revoked.error"), exports);
__exportStar(require("./execution/redaction"), exports);
__exportStar(require("./execution/task-context"), exports);
__exportStar(require("./inspect/queue-inspector.service"), exports);
__exportStar(require("./inspect/worker-directory.service"), exports);
__exportStar(require("./inspect/worker-heartbeat"), exports);
__exportStar(require("./queues/queue-names"), exports);
__exportStar(require("./queues/task-priority"), exports);
__exportStar(require("./redis/redact-url"), exports);
__exportStar(require("./redis/redis-connection.service"), exports);
__exportStar(require("./registry/task-definition"), exports);
__exportStar(require("./registry/task-options"), exports);
__exportStar(require("./registry/task-registry"), exports);
__exportStar(require("./registry/task.decorator"), exports);
__exportStar(require("./results/result-store.service"), exports);
__exportStar(require("./results/task-record"), exports);
__exportStar(require("./results/task-state"), exports);
__exportStar(require("./retry/retry-request"), exports);
__exportStar(require("./revocation/revocation.service"), exports);
__exportStar(require("./tasks.module"), exports);
__exportStar(require("./worker/task-worker.module"), exports);
__exportStar(require("./worker/task-worker.service"), exports);
__exportStar(require("./worker/worker-control"), exports);
//# sourceMappingURL=index.js.map