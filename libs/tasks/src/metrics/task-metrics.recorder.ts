import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection.service';
import type { TaskState } from '../results/task-state';
import {
  bucketField,
  countField,
  statusOf,
  sumField,
  taskMetricsKey,
  totalField,
} from './task-metrics.schema';

/** How often a worker writes what it has counted (also on shutdown). */
export const METRICS_FLUSH_INTERVAL_MS = 2000;
/** How long a stopping process tries to write its last counts. */
const SHUTDOWN_FLUSH_MS = 5000;

/**
 * Counts each run's outcome and duration in memory, and adds them to Redis every few seconds in
 * one MULTI (HINCRBY / HINCRBYFLOAT), so that a busy worker costs Redis one round trip per flush,
 * not one per task. The API's /metrics reads the sums of every worker from there. Counts of a
 * worker killed outright (SIGKILL) since its last flush are lost; a graceful stop flushes them.
 */
@Injectable()
export class TaskMetricsRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskMetricsRecorder.name);
  private counts = new Map<string, number>();
  private sums = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private failing = false;

  constructor(private readonly redis: RedisConnection) {}

  /** A run ended in `state` after `runtimeMs`; a run given back unstarted (PENDING) is not counted. */
  record(taskName: string, state: TaskState, runtimeMs: number): void {
    const status = statusOf(state);
    if (!status) return;
    const seconds = Math.max(0, runtimeMs) / 1000;
    add(this.counts, totalField(status, taskName), 1);
    add(this.counts, countField(status, taskName), 1);
    const bucket = bucketField(status, seconds, taskName);
    if (bucket) add(this.counts, bucket, 1);
    add(this.sums, sumField(status, taskName), seconds);
    // Started by the first run: processes that never run a task (API, beat) keep no timer.
    this.timer ??= setInterval(() => void this.flush(), METRICS_FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what was counted since the last flush; kept for the next one if Redis refuses it. */
  flush(): Promise<void> {
    if (!this.counts.size && !this.sums.size) return Promise.resolve();
    const counts = this.counts;
    const sums = this.sums;
    this.counts = new Map();
    this.sums = new Map();
    const key = taskMetricsKey(this.redis.prefix);
    const tx = this.redis.client.multi();
    for (const [field, n] of counts) tx.hincrby(key, field, n);
    for (const [field, seconds] of sums) tx.hincrbyfloat(key, field, seconds);
    const write = tx
      .exec()
      .then((replies) => {
        const failed = replies?.find(([err]) => err)?.[0];
        if (failed) throw failed;
        if (this.failing) this.logger.log('task metrics written again');
        this.failing = false;
      })
      .catch((err: Error) => {
        for (const [field, n] of counts) add(this.counts, field, n);
        for (const [field, seconds] of sums) add(this.sums, field, seconds);
        if (!this.failing) this.logger.warn(`task metrics not written (kept): ${err.message}`);
        this.failing = true;
      })
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
    return write;
  }

  /**
   * After the worker has stopped (runWorker stops it before closing the app): the last counts,
   * given up after a few seconds so that an unreachable Redis cannot hold the shutdown.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const written = Promise.all(this.inFlight)
      .then(() => this.flush())
      .then(() => !this.failing);
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), SHUTDOWN_FLUSH_MS);
    });
    const ok = await Promise.race([written, gaveUp]);
    clearTimeout(timer);
    if (!ok && (this.counts.size || this.sums.size || this.inFlight.size)) {
      this.logger.warn('task metrics of the last runs not written: Redis did not take them');
    }
  }
}

function add(map: Map<string, number>, field: string, n: number): void {
  map.set(field, (map.get(field) ?? 0) + n);
}
