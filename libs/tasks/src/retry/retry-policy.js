"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_BACKOFF_MAX = exports.DEFAULT_RETRY_DELAY = exports.DEFAULT_MAX_RETRIES = void 0;
exports.decideRetry = decideRetry;
exports.backoffSeconds = backoffSeconds;
const retry_request_1 = require("./retry-request");
/** Celery's defaults. */
exports.DEFAULT_MAX_RETRIES = 3;
exports.DEFAULT_RETRY_DELAY = 180;
exports.DEFAULT_BACKOFF_MAX = 600;
/**
 * Decides what a failed run becomes: a retry after some delay, or a final failure with the error
 * to report. Pure, so the rules can be read and tested in one place.
 */
function decideRetry(options, error, retries, maxRetriesOverride, random = Math.random, now = Date.now()) {
    const requested = error instanceof retry_request_1.RetryRequest ? error.options : undefined;
    const cause = requested ? requested.exc : error;
    if (!requested && !matchesAny(options.autoretryFor ?? [], error)) {
        return { retry: false, error };
    }
    const maxRetries = requested?.maxRetries ?? maxRetriesOverride ?? options.maxRetries ?? exports.DEFAULT_MAX_RETRIES;
    if (retries >= maxRetries) {
        return { retry: false, error: cause ?? new Error(`Max retries (${maxRetries}) exceeded`) };
    }
    let delayMs;
    if (requested?.eta)
        delayMs = Math.max(0, requested.eta.getTime() - now);
    else if (requested?.countdown !== undefined)
        delayMs = Math.max(0, requested.countdown * 1000);
    else
        delayMs = backoffSeconds(options, retries, random) * 1000;
    return { retry: true, delayMs, maxRetries };
}
/** Celery's `get_exponential_backoff_interval`, or the fixed default_retry_delay without backoff. */
function backoffSeconds(options, retries, random) {
    if (!options.retryBackoff)
        return options.defaultRetryDelay ?? exports.DEFAULT_RETRY_DELAY;
    const factor = options.retryBackoff === true ? 1 : options.retryBackoff;
    const cap = options.retryBackoffMax ?? exports.DEFAULT_BACKOFF_MAX;
    let countdown = Math.min(cap, factor * 2 ** retries);
    if (options.retryJitter ?? true)
        countdown = random() * countdown;
    return Math.max(0, countdown);
}
function matchesAny(matchers, error) {
    if (!(error instanceof Error))
        return matchers.length > 0 && matchers.includes('Error');
    return matchers.some((m) => (typeof m === 'string' ? hasNameInChain(error, m) : error instanceof m));
}
/** Matches by name through the prototype chain, so 'Error' covers every error. */
function hasNameInChain(error, name) {
    if (error.name === name)
        return true;
    for (let p = Object.getPrototypeOf(error); p; p = Object.getPrototypeOf(p)) {
        if (p.constructor?.name === name)
            return true;
    }
    return false;
}
//# sourceMappingURL=retry-policy.js.map