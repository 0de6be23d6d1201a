import type { TaskOptions } from '../registry/task-options';
import { backoffSeconds, decideRetry } from './retry-policy';
import { RetryRequest } from './retry-request';

class NetworkError extends Error {}

const task = (o: Partial<TaskOptions> = {}): TaskOptions => ({ name: 't', ...o });
const noJitter = () => 1;

describe('decideRetry', () => {
  it('fails at once on an error the task does not autoretry for', () => {
    const err = new TypeError('bad');
    expect(decideRetry(task({ autoretryFor: [NetworkError] }), err, 0, undefined)).toEqual({
      retry: false,
      error: err,
    });
  });

  it('retries an autoretry_for error by class or by name, through subclasses', () => {
    expect(
      decideRetry(task({ autoretryFor: [NetworkError] }), new NetworkError('x'), 0, undefined)
        .retry,
    ).toBe(true);
    expect(
      decideRetry(task({ autoretryFor: ['Error'] }), new NetworkError('x'), 0, undefined).retry,
    ).toBe(true);
    expect(
      decideRetry(task({ autoretryFor: ['TimeoutError'] }), new NetworkError('x'), 0, undefined)
        .retry,
    ).toBe(false);
  });

  it('stops after max_retries and reports the original error', () => {
    const err = new NetworkError('down');
    const t = task({ autoretryFor: [NetworkError], maxRetries: 2 });
    expect(decideRetry(t, err, 1, undefined).retry).toBe(true);
    expect(decideRetry(t, err, 2, undefined)).toEqual({ retry: false, error: err });
  });

  it('lets the sender and retry() override max_retries', () => {
    const t = task({ autoretryFor: ['Error'], maxRetries: 1 });
    expect(decideRetry(t, new Error('x'), 3, 5).retry).toBe(true);
    const req = new RetryRequest({ maxRetries: 4, exc: new Error('y') });
    expect(decideRetry(t, req, 3, undefined).retry).toBe(true);
    expect(decideRetry(t, req, 4, undefined)).toMatchObject({
      retry: false,
      error: req.options.exc,
    });
  });

  it('fails with MaxRetriesExceededError when retry() without exc runs out', () => {
    const decision = decideRetry(task({ maxRetries: 1 }), new RetryRequest({}), 1, undefined);
    expect(decision).toMatchObject({
      retry: false,
      error: { name: 'MaxRetriesExceededError', maxRetries: 1 },
    });
  });

  it("uses retry()'s countdown and eta before the policy", () => {
    expect(decideRetry(task(), new RetryRequest({ countdown: 7 }), 0, undefined)).toMatchObject({
      delayMs: 7000,
    });
    const now = 1_000_000;
    const eta = new Date(now + 2500);
    expect(
      decideRetry(task(), new RetryRequest({ eta }), 0, undefined, noJitter, now),
    ).toMatchObject({ delayMs: 2500 });
  });

  it('waits default_retry_delay without backoff', () => {
    expect(
      decideRetry(
        task({ autoretryFor: ['Error'], defaultRetryDelay: 12 }),
        new Error(),
        0,
        undefined,
      ),
    ).toMatchObject({ delayMs: 12000 });
    expect(decideRetry(task({ autoretryFor: ['Error'] }), new Error(), 0, undefined)).toMatchObject(
      { delayMs: 180_000 },
    );
  });
});

describe('backoffSeconds', () => {
  it('doubles from the factor and stops at the cap', () => {
    const t = task({ retryBackoff: 2, retryBackoffMax: 10, retryJitter: false });
    expect([0, 1, 2, 3, 4].map((r) => backoffSeconds(t, r, noJitter))).toEqual([2, 4, 8, 10, 10]);
  });

  it('applies full jitter below the computed backoff', () => {
    const t = task({ retryBackoff: true, retryJitter: true });
    expect(backoffSeconds(t, 3, () => 0.25)).toBe(2);
    expect(backoffSeconds(t, 3, () => 0)).toBe(0);
  });
});
