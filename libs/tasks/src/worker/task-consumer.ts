import type { HeldTask } from '../inspect/worker-heartbeat';
import type { RevocationMessage } from '../revocation/revocation.service';

/** Per task name, and in all, since the consumer started. */
export interface ConsumerSnapshot {
  total: Record<string, number>;
  processed: number;
  active: HeldTask[];
  reserved: HeldTask[];
}

/** What a worker's heartbeat reports of the part that takes and runs tasks. */
export interface TaskConsumerSnapshot extends ConsumerSnapshot {
  /** Pool children: pids (prefork) or thread ids (threads). */
  processes: number[];
  /** Resources used by child processes, on top of the worker's own. */
  children?: { cpuSeconds: number; rssBytes: number };
}

/**
 * The part of a worker that takes and runs tasks: a consumer in the worker's own process (inline
 * and threads pools), or a supervisor of consuming child processes (prefork).
 */
export interface TaskConsumer {
  start(): Promise<void>;
  /** Takes no more tasks; running ones get `graceMs`. Answers whether all finished in time. */
  stop(graceMs: number): Promise<boolean>;
  onRevoke(message: RevocationMessage): void;
  snapshot(): TaskConsumerSnapshot;
}
