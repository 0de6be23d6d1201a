import type { HeldTask } from '../../inspect/worker-heartbeat';
import type { QueueName } from '../../queues/queue-names';
import type { ExecutorDefaults } from '../task-executor';
import type { SerializedError } from '../../pool/pool-protocol';

/** What a prefork child is started with (in its environment, as JSON). */
export interface PreforkChildConfig {
  queues: QueueName[];
  /** Served partitions by number; every registered one when absent. */
  partitions?: number[];
  hostname: string;
  /** Starts the lock token of every job the child takes: how its supervisor finds them. */
  tag: string;
  /** The child's scoreboard file (see Scoreboard). */
  scoreboard: string;
  lockTimeout: number;
  /** Tasks the child holds at once, the running one included. */
  prefetch: number;
  defaults?: ExecutorDefaults;
  maxTasksPerChild?: number;
  maxMemoryPerChildMb?: number;
  /** 1/children: each child spaces a rate-limited task by its share of the worker's rate. */
  rateShare: number;
}

export const PREFORK_CHILD_CONFIG_ENV = 'BRAIN_PREFORK_CHILD';

export type SupervisorMessage =
  { type: 'revoke'; taskId: string } | { type: 'shutdown'; graceMs: number };

export type PreforkChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'boot-failed'; error: SerializedError }
  /** A task with a hard time limit starts: the supervisor times it (a blocked child cannot). */
  | { type: 'timed'; taskId: string; queue: QueueName; timeLimit: number }
  | { type: 'untimed'; taskId: string }
  /** Every second: counts since the last report, and what it runs now. */
  | {
      type: 'stats';
      total: Record<string, number>;
      processed: number;
      active: HeldTask[];
      reserved: HeldTask[];
      rss: number;
      cpuSeconds: number;
    }
  /** It has run its share (max tasks or memory): it stops taking tasks and leaves. */
  | { type: 'retiring'; reason: string };
