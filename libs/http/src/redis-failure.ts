/**
 * Errors ioredis raises while Redis is unreachable (with failFast, at once instead of waiting),
 * or while a Sentinel group fails over (no master yet, or a write reaching the demoted one), or a
 * Cluster does (a master's slots without a live master yet: the client gives up its retries).
 */
const UNAVAILABLE =
  /Stream isn't writeable|enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Reached the max retries|All sentinels are unreachable|^READONLY|^MASTERDOWN|^CLUSTERDOWN|^Too many Cluster redirections/;

export function isRedisUnavailable(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(err.message))
  );
}
