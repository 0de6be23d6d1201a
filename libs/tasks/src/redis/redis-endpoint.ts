/** The subset of connection options that both ioredis and BullMQ take as they are. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: number | null;
  enableOfflineQueue?: boolean;
  retryStrategy?: (times: number) => number;
  lazyConnect: boolean;
}

/** redis://[user:password@]host:port[/db] (rediss:// for TLS) as connection options. */
export function redisEndpoint(redisUrl: string, failFast = false): RedisEndpoint {
  const url = new URL(redisUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's blocking commands need unlimited retries; our own calls fail fast on their own timeouts.
    maxRetriesPerRequest: null,
    lazyConnect: false,
    // A process serving requests fails a command sent while Redis is away at the next reconnect
    // attempt (no retries), rather than holding it until Redis is back and running it after its
    // caller has given up; and it reconnects every 2 s at most, so it serves again soon after.
    // (Its offline queue stays, so that a client that never connected can still be closed.)
    ...(failFast && {
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    }),
  };
}
