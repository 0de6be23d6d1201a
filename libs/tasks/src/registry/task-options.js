"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=task-options.js.map