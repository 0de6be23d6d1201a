/** Errors ioredis raises while Redis is unreachable (with failFast, at once instead of waiting). */
const UNAVAILABLE =
  /Stream isn't writeable|enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Reached the max retries/;

export function isRedisUnavailable(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(err.message))
  );
}
