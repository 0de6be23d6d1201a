const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** Parses Celery's rate_limit: `"10/s"`, `"100/m"`, `"1000/h"` (a bare number is per second). */
export function parseRate(rate: string | number): number {
  const m =
    typeof rate === 'number'
      ? [String(rate), String(rate), 's']
      : /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([smh]))?\s*$/.exec(rate);
  const count = m ? Number(m[1]) : NaN;
  if (!m || !(count > 0))
    throw new Error(`rate limit "${String(rate)}" must look like 10/s, 100/m or 1000/h`);
  return UNITS[m[2] ?? 's'] / count;
}

/**
 * Celery's per-worker task rate limit: runs of one task name are spaced at least 1/rate apart in
 * this worker. A task waiting for its turn keeps its slot, as in Celery.
 */
export class RateLimiter {
  private readonly next = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds the caller must wait before running `name`; books that turn. */
  reserve(name: string, intervalMs: number): number {
    const now = this.now();
    const at = Math.max(now, this.next.get(name) ?? now);
    this.next.set(name, at + intervalMs);
    return at - now;
  }
}
