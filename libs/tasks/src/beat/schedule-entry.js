"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BEAT_KEY_PREFIX = void 0;
exports.BEAT_KEY_PREFIX = 'beat:';
//# sourceMappingURL=schedule-entry.js.map