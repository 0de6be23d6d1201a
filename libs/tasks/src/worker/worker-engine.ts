import type { RevocationMessage } from '../revocation/revocation.service';
import type { ConsumerSnapshot } from './consumer';

/** What a worker's heartbeat reports of the part that runs tasks. */
export interface EngineSnapshot extends ConsumerSnapshot {
  /** Pool children: pids (prefork) or thread ids (threads). */
  processes: number[];
  /** Resources used by child processes, on top of the worker's own. */
  children?: { cpuSeconds: number; rssBytes: number };
}

/**
 * The part of a worker that takes and runs tasks: a consumer in the worker's own process (inline
 * and threads pools), or a supervisor of consuming child processes (prefork).
 */
export interface WorkerEngine {
  start(): Promise<void>;
  /** Takes no more tasks; running ones get `graceMs`. Answers whether all finished in time. */
  stop(graceMs: number): Promise<boolean>;
  onRevoke(message: RevocationMessage): void;
  snapshot(): EngineSnapshot;
}
