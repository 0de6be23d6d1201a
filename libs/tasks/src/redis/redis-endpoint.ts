import type { RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisHostPort, type RedisTopologyUrl } from './redis-url';

/**
 * Connection options that both ioredis (`new Redis(options)`) and BullMQ (`connection`) take as
 * they are: one server, or a Sentinel group (`sentinels` + `name`), as REDIS_URL says.
 */
export type RedisEndpoint = Omit<RedisOptions, 'retryStrategy'> & {
  // ioredis also takes null here, BullMQ does not.
  retryStrategy?: (times: number) => number | null;
  maxRetriesPerRequest: number | null;
  lazyConnect: boolean;
  /**
   * A Cluster's seed nodes: the options above are then each node's (createRedisClient() builds
   * an ioredis Cluster from them). Absent for one server or a Sentinel group.
   */
  clusterNodes?: RedisHostPort[];
};

export interface RedisEndpointOptions {
  /**
   * For processes that serve requests (the API): a command sent while Redis is away fails at the
   * next reconnect attempt (no retries), rather than waiting until Redis is back and running it
   * after its caller has given up; and it reconnects every 2 s at most, so it serves again soon.
   */
  failFast?: boolean;
  /** REDIS_SENTINEL_PASSWORD: the sentinels' own password, when not the data nodes'. */
  sentinelPassword?: string;
}

/**
 * A connection whose server was demoted to a replica (a Sentinel failover seen late) answers
 * writes with READONLY: reconnect (the Sentinel connector then asks for the new master) and
 * resend the command, instead of failing every write until a restart.
 */
export function reconnectOnReadonly(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

/** REDIS_URL as connection options; the one place that turns a URL into them. */
export function redisEndpoint(
  redisUrl: string,
  { failFast = false, sentinelPassword }: RedisEndpointOptions = {},
): RedisEndpoint {
  const url = parseRedisUrl(redisUrl);
  return {
    ...topology(url, sentinelPassword),
    username: url.username,
    password: url.password,
    tls: url.tls ? {} : undefined,
    // BullMQ's blocking commands need unlimited retries; our own calls fail fast on their own timeouts.
    maxRetriesPerRequest: null,
    lazyConnect: false,
    reconnectOnError: reconnectOnReadonly,
    // (Its offline queue stays, so that a client that never connected can still be closed.)
    ...(failFast && {
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    }),
  };
}

function topology(
  url: RedisTopologyUrl,
  sentinelPassword: string | undefined,
): Omit<RedisOptions, 'retryStrategy'> & Pick<RedisEndpoint, 'clusterNodes'> {
  switch (url.kind) {
    case 'standalone':
      return { host: url.host, port: url.port, db: url.db };
    case 'sentinel':
      return {
        sentinels: url.sentinels,
        name: url.masterName,
        db: url.db,
        // Managed groups mostly protect sentinels and data nodes with the same password.
        sentinelUsername: sentinelPassword === undefined ? url.username : undefined,
        sentinelPassword: sentinelPassword ?? url.password,
        enableTLSForSentinelMode: url.tls,
        // No failoverDetector: in ioredis 6 a +switch-master that arrives while the client is
        // reconnecting (the master just died) disconnects the connector mid-connect, and the
        // client ends for good ("Connection is closed.": a worker that silently stops, seen in
        // test/sentinel.e2e.ts). A dead master drops its connections anyway; a demoted one that
        // still answers says READONLY to writes, and reconnectOnError below reconnects then.
        failoverDetector: false,
        // Learn the group's other sentinels, so that losing those of the URL is no outage.
        updateSentinels: true,
        sentinelRetryStrategy: (times: number) => Math.min(times * 100, 1000),
      };
    case 'cluster':
      return { clusterNodes: url.nodes };
  }
}
