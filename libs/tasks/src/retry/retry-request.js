"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RetryRequest = void 0;
/** Thrown from a task to ask for a retry (what `ctx.retry()` builds). */
class RetryRequest extends Error {
    options;
    constructor(options) {
        super(options.exc instanceof Error
            ? `Retry requested: ${options.exc.message}`
            : 'Retry requested');
        this.options = options;
        this.name = 'Retry';
    }
}
exports.RetryRequest = RetryRequest;
//# sourceMappingURL=retry-request.js.map