import type { QueueName } from '../queues/queue-names';
import { keyPrefixFor } from '../redis/key-layout';
import type { ReplicaAckPolicy } from '../redis/replica-ack';

/** Settings the engine needs, read by the app from its config and handed over at import. */
export interface TasksModuleOptions {
  /** REDIS_URL: redis[s]://, redis[s]-sentinel:// or redis[s]-cluster:// (see redis-url.ts). */
  redisUrl: string;
  /** REDIS_SENTINEL_PASSWORD: the sentinels' password when not the data nodes'. */
  sentinelPassword?: string;
  /** Prefix of every key the engine writes, BullMQ's included (tagged on a Cluster: key-layout.ts). */
  prefix?: string;
  /** Seconds a task record (state, result, error) is kept after its last change. */
  resultExpires?: number;
  /** Timezone of crontab schedules. */
  timezone?: string;
  /** task_routes: glob on the task name -> queue, first match wins; before the built-in routes. */
  routes?: Readonly<Record<string, QueueName>>;
  /**
   * For processes that serve requests (the API): commands sent while Redis is unreachable fail at
   * once instead of waiting for it. Workers and beat wait (the default).
   */
  failFast?: boolean;
  /**
   * The role names a task may declare (`@Task({ role })`): a declaration naming another fails
   * the boot. Without it, any non-empty name is taken.
   */
  roles?: readonly string[];
  /**
   * Durable sending: each send (and retry, beat tick, callback) waits until this many replicas
   * hold it (Redis WAIT), failing the send when they do not in time. Off (0 replicas) by default.
   */
  replicaAck?: Partial<ReplicaAckPolicy>;
  /**
   * REDIS_PARTITIONS: the partitions new tasks are spread over (each under its own key prefix;
   * on a Cluster, its own hash tag). 1 by default. See partition-layout.service.ts.
   */
  partitions?: number;
}

export interface ResolvedTasksOptions {
  redisUrl: string;
  sentinelPassword?: string;
  prefix: string;
  resultExpires: number;
  timezone: string;
  routes: Readonly<Record<string, QueueName>>;
  failFast: boolean;
  roles?: readonly string[];
  replicaAck: ReplicaAckPolicy;
  partitions: number;
}

/** REDIS_REPLICAS_ACK_TIMEOUT_MS's default: under the API's 2 s promise for a 503. */
export const DEFAULT_REPLICAS_ACK_TIMEOUT_MS = 1000;

export const TASKS_OPTIONS = Symbol('TASKS_OPTIONS');

export function resolveTasksOptions(options: TasksModuleOptions): ResolvedTasksOptions {
  return {
    redisUrl: options.redisUrl,
    sentinelPassword: options.sentinelPassword,
    // On a Cluster, under one hash tag (see key-layout.ts).
    prefix: keyPrefixFor(options.prefix ?? 'brain', options.redisUrl),
    resultExpires: options.resultExpires ?? 3600,
    timezone: options.timezone ?? 'UTC',
    routes: options.routes ?? {},
    failFast: options.failFast ?? false,
    roles: options.roles,
    replicaAck: {
      replicas: options.replicaAck?.replicas ?? 0,
      timeoutMs: options.replicaAck?.timeoutMs ?? DEFAULT_REPLICAS_ACK_TIMEOUT_MS,
    },
    partitions: options.partitions ?? 1,
  };
}
