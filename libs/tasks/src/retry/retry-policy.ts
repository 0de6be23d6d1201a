import type { ErrorMatcher, TaskOptions } from '../registry/task-options';
import { MaxRetriesExceededError } from '../errors/task-errors';
import { RemoteError } from '../pool/serialize-error';
import { RetryRequest } from './retry-request';

/** Celery's defaults. */
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_DELAY = 180;
export const DEFAULT_BACKOFF_MAX = 600;

export type RetryDecision =
  { retry: true; delayMs: number; maxRetries: number } | { retry: false; error: unknown };

/**
 * Decides what a failed run becomes: a retry after some delay, or a final failure with the error
 * to report. Pure, so the rules can be read and tested in one place.
 */
export function decideRetry(
  options: TaskOptions,
  error: unknown,
  retries: number,
  maxRetriesOverride: number | undefined,
  random: () => number = Math.random,
  now: number = Date.now(),
): RetryDecision {
  const requested = error instanceof RetryRequest ? error.options : undefined;
  const cause = requested ? requested.exc : error;
  if (!requested && !matchesAny(options.autoretryFor ?? [], error)) {
    return { retry: false, error };
  }
  const maxRetries =
    requested?.maxRetries ?? maxRetriesOverride ?? options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (retries >= maxRetries) {
    return { retry: false, error: cause ?? new MaxRetriesExceededError(maxRetries) };
  }
  let delayMs: number;
  if (requested?.eta) delayMs = Math.max(0, requested.eta.getTime() - now);
  else if (requested?.countdown !== undefined) delayMs = Math.max(0, requested.countdown * 1000);
  else delayMs = backoffSeconds(options, retries, random) * 1000;
  return { retry: true, delayMs, maxRetries };
}

/** Celery's `get_exponential_backoff_interval`, or the fixed default_retry_delay without backoff. */
export function backoffSeconds(
  options: TaskOptions,
  retries: number,
  random: () => number,
): number {
  if (!options.retryBackoff) return options.defaultRetryDelay ?? DEFAULT_RETRY_DELAY;
  const factor = options.retryBackoff === true ? 1 : options.retryBackoff;
  const cap = options.retryBackoffMax ?? DEFAULT_BACKOFF_MAX;
  let countdown = Math.min(cap, factor * 2 ** retries);
  if (options.retryJitter ?? true) countdown = random() * countdown;
  return Math.max(0, countdown);
}

function matchesAny(matchers: readonly ErrorMatcher[], error: unknown): boolean {
  if (!(error instanceof Error)) return matchers.length > 0 && matchers.includes('Error');
  return matchers.some((m) => {
    // An error from a pool child lost its class on the way: match by the class names it had.
    if (error instanceof RemoteError) return error.isA(typeof m === 'string' ? m : m.name);
    return typeof m === 'string' ? hasNameInChain(error, m) : error instanceof m;
  });
}

/** Matches by name through the prototype chain, so 'Error' covers every error. */
function hasNameInChain(error: Error, name: string): boolean {
  if (error.name === name) return true;
  for (
    let p = Object.getPrototypeOf(error) as object | null;
    p;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    if ((p.constructor as { name?: string } | undefined)?.name === name) return true;
  }
  return false;
}
