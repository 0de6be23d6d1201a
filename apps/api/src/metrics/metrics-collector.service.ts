import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { register } from 'prom-client';
import { diskBytes, memoryBytes } from '@brain/system';
import { type MetricsSnapshot, TaskMetricsReader } from '@brain/tasks';
import { withDeadline } from '@brain/runtime';
import { brainMetrics } from './brain-metrics';
import { PerScrape } from './per-scrape';
import type { SnapshotMetric } from './snapshot-metric';

/** A scrape never waits longer than this on Redis (Prometheus gives up after 10 s by default). */
const REDIS_DEADLINE_MS = 5000;

/**
 * prom-client's default gauges whose names end in _total, which Prometheus's naming rules keep for
 * counters (`promtool check metrics` refuses them); each is the sum of the per-type gauge beside it
 * (nodejs_active_handles...), so nothing is lost.
 */
export const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Puts the engine's metrics into prom-client's registry (the one the Prometheus module serves at
 * /metrics). Each scrape reads Redis once, shared by every metric; when Redis cannot be read the
 * scrape still answers, with redis_up 0 and without the metrics that come from it.
 */
@Injectable()
export class MetricsCollector implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Metrics');
  private readonly metrics: SnapshotMetric[];
  private readonly reads: Array<PerScrape<unknown>>;
  private redisFailing = false;

  constructor(private readonly reader: TaskMetricsReader) {
    const diskPath = process.cwd();
    const cluster = new PerScrape(() => this.readCluster());
    const disk = new PerScrape(() => diskBytes(diskPath));
    const memory = new PerScrape(() => memoryBytes());
    this.reads = [cluster, disk, memory];
    this.metrics = brainMetrics({
      cluster: () => cluster.get(),
      disk: () => disk.get(),
      memory: () => memory.get(),
      diskPath,
    });
  }

  /** A scrape begins: its metrics read afresh (once, together). */
  beginScrape(): void {
    for (const read of this.reads) read.begin();
  }

  onModuleInit(): void {
    for (const name of MISNAMED_DEFAULTS) register.removeSingleMetric(name);
    for (const metric of this.metrics) register.registerMetric(metric.asMetric());
  }

  onModuleDestroy(): void {
    for (const metric of this.metrics) register.removeSingleMetric(metric.name);
  }

  private async readCluster(): Promise<MetricsSnapshot | undefined> {
    let snapshot: MetricsSnapshot | undefined;
    let failure = 'no answer within 5 s';
    const read = this.reader.snapshot().then(
      (s) => (snapshot = s),
      (err: Error) => (failure = err.message),
    );
    await withDeadline(read, REDIS_DEADLINE_MS);
    if (!snapshot && !this.redisFailing) this.logger.warn(`metrics: Redis not read (${failure})`);
    if (snapshot && this.redisFailing) this.logger.log('metrics: Redis read again');
    this.redisFailing = !snapshot;
    return snapshot;
  }
}
