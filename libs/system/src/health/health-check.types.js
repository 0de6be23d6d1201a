"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MEMORY_MAX_PERCENT_USED = exports.DISK_MIN_PERCENT_FREE = void 0;
/** The spec's alert thresholds. */
exports.DISK_MIN_PERCENT_FREE = 10;
exports.MEMORY_MAX_PERCENT_USED = 90;
//# sourceMappingURL=health-check.types.js.map