import { Injectable, Logger } from '@nestjs/common';
import {
  catchError,
  EMPTY,
  exhaustMap,
  from,
  type Observable,
  shareReplay,
  tap,
  timer,
} from 'rxjs';
import {
  ActiveTasks,
  HEARTBEAT_INTERVAL_S,
  QueueInspector,
  type Throughput,
  TaskThroughput,
  WorkerDirectory,
} from '@brain/tasks';
import { buildSnapshot, CpuTracker, type DashboardSnapshot } from './snapshot';

/** Snapshots follow the workers' heartbeats. */
export const SNAPSHOT_INTERVAL_MS = HEARTBEAT_INTERVAL_S * 1000;
/** Rates are per minute: reading them again every few seconds would add nothing. */
const THROUGHPUT_MAX_AGE_MS = 10_000;
/** Workers whose heartbeat stopped within this window are listed as offline. */
const OFFLINE_WINDOW_S = 3600;

/**
 * Builds the dashboard's snapshot from the engine (worker heartbeats, queues, stored task
 * records), and streams one every SNAPSHOT_INTERVAL_MS to every page at once: one build per tick
 * whatever the number of pages, none when no page is open.
 */
@Injectable()
export class SnapshotService {
  private readonly logger = new Logger('Dashboard');
  private readonly cpu = new CpuTracker();
  private throughput?: { at: number; value: Throughput };
  private failing = false;

  /** The latest snapshot first (to a page that has just opened), then each new one. */
  readonly snapshots$: Observable<DashboardSnapshot> = timer(0, SNAPSHOT_INTERVAL_MS).pipe(
    exhaustMap(() =>
      from(this.build()).pipe(
        tap(() => {
          if (this.failing) this.logger.log('snapshots built again');
          this.failing = false;
        }),
        // Pages keep the last snapshot (they show its time); the outage is logged once.
        catchError((err: Error) => {
          if (!this.failing) this.logger.warn(`snapshot not built: ${err.message}`);
          this.failing = true;
          return EMPTY;
        }),
      ),
    ),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly queues: QueueInspector,
    private readonly rates: TaskThroughput,
    private readonly activeTasks: ActiveTasks,
  ) {}

  async build(now = Date.now()): Promise<DashboardSnapshot> {
    const online = await this.directory.online();
    const [offline, queues, running, throughput] = await Promise.all([
      this.directory.offline(OFFLINE_WINDOW_S),
      this.queues.depths(),
      this.activeTasks.list(online),
      this.recentThroughput(now),
    ]);
    return buildSnapshot({ online, offline, queues, running, throughput, now }, this.cpu);
  }

  private async recentThroughput(now: number): Promise<Throughput> {
    if (this.throughput && now - this.throughput.at < THROUGHPUT_MAX_AGE_MS)
      return this.throughput.value;
    const value = await this.rates.recent(60, 60, now);
    this.throughput = { at: now, value };
    return value;
  }
}
