/**
 * Errors ioredis raises while Redis is unreachable (with failFast, at once instead of waiting),
 * or while a Sentinel group fails over (no master yet, or a write reaching the demoted one).
 */
const UNAVAILABLE =
  /Stream isn't writeable|enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Reached the max retries|All sentinels are unreachable|^READONLY|^MASTERDOWN/;

export function isRedisUnavailable(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(err.message))
  );
}
