"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=apply-options.js.map