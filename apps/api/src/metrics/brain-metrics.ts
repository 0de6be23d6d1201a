import type { DiskBytes, MemoryBytes } from '@brain/system';
import { type MetricsSnapshot, TASK_DURATION_BUCKETS } from '@brain/tasks';
import { histogramSamples, type Sample, SnapshotMetric } from './snapshot-metric';

/** Where /metrics' values come from at each scrape. */
export interface MetricSources {
  /** What the workers reported, read from Redis; undefined when Redis could not be read. */
  cluster: () => Promise<MetricsSnapshot | undefined>;
  disk: () => Promise<DiskBytes>;
  memory: () => Promise<MemoryBytes>;
  /** The filesystem `disk` measures (the `path` label). */
  diskPath: string;
}

/**
 * The API's own metrics, aggregated over every worker (prom-client's process metrics come beside
 * them). Names follow Prometheus's rules (counters end in _total, durations in _seconds), except
 * the spec's celery_workers_total, exposed untyped: a gauge may not end in _total.
 */
export function brainMetrics(sources: MetricSources): SnapshotMetric[] {
  const fromCluster =
    (samples: (s: MetricsSnapshot) => Sample[]): (() => Promise<Sample[]>) =>
    async () => {
      const snapshot = await sources.cluster();
      return snapshot ? samples(snapshot) : [];
    };
  const workers = (s: MetricsSnapshot): Sample[] => [{ value: s.workersOnline }];
  return [
    new SnapshotMetric(
      'task_total',
      'Tasks ended, by task name and status (success, failure, retry, revoked), over every worker.',
      'counter',
      fromCluster((s) =>
        s.tasks.map((t) => ({ labels: { task: t.task, status: t.status }, value: t.total })),
      ),
    ),
    new SnapshotMetric(
      'task_execution_seconds',
      'How long task runs took, by task name and status, over every worker.',
      'histogram',
      fromCluster((s) =>
        s.tasks
          .filter((t) => t.count > 0)
          .flatMap((t) =>
            histogramSamples(
              'task_execution_seconds',
              { task: t.task, status: t.status },
              TASK_DURATION_BUCKETS,
              t.buckets,
              t.count,
              t.sumSeconds,
            ),
          ),
      ),
    ),
    new SnapshotMetric(
      'workers_online',
      'Workers with a fresh heartbeat.',
      'gauge',
      fromCluster(workers),
    ),
    new SnapshotMetric(
      'celery_workers_total',
      'Workers with a fresh heartbeat (the old system name of workers_online).',
      'untyped',
      fromCluster(workers),
    ),
    new SnapshotMetric(
      'tasks_running',
      'Tasks running now on a worker (not counting prefetched ones), by queue.',
      'gauge',
      fromCluster((s) =>
        Object.entries(s.running).map(([queue, value]) => ({ labels: { queue }, value })),
      ),
    ),
    new SnapshotMetric(
      'task_oldest_running_seconds',
      'For each task name with a run going on, how long its oldest run has been going.',
      'gauge',
      fromCluster((s) =>
        Object.entries(s.oldestRunningSeconds).map(([task, value]) => ({
          labels: { task },
          value,
        })),
      ),
    ),
    new SnapshotMetric(
      'queue_depth',
      'Tasks in each queue, by state: waiting and prioritized (ready), delayed (countdown, ETA, retry wait), active (taken by a worker).',
      'gauge',
      fromCluster((s) =>
        s.queues.flatMap(({ queue, ...states }) =>
          Object.entries(states).map(([state, value]) => ({ labels: { queue, state }, value })),
        ),
      ),
    ),
    new SnapshotMetric(
      'redis_up',
      '1 when this scrape could read what the workers report from Redis; 0 when not (those metrics are then left out).',
      'gauge',
      async () => [{ value: (await sources.cluster()) ? 1 : 0 }],
    ),
    new SnapshotMetric(
      'host_filesystem_avail_bytes',
      "Free space an unprivileged process may use on the API host's filesystem.",
      'gauge',
      async () => [
        { labels: { path: sources.diskPath }, value: (await sources.disk()).availableBytes },
      ],
    ),
    new SnapshotMetric(
      'host_filesystem_size_bytes',
      "Size of the API host's filesystem.",
      'gauge',
      async () => [{ labels: { path: sources.diskPath }, value: (await sources.disk()).sizeBytes }],
    ),
    new SnapshotMetric(
      'host_memory_available_bytes',
      "Memory available on the API host (Linux's MemAvailable: reclaimable cache counts as free).",
      'gauge',
      async () => [{ value: (await sources.memory()).availableBytes }],
    ),
    new SnapshotMetric('host_memory_total_bytes', 'Memory of the API host.', 'gauge', async () => [
      { value: (await sources.memory()).totalBytes },
    ]),
  ];
}
