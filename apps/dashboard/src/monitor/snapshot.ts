import type {
  ActiveTask,
  HeldTask,
  QueueDepth,
  QueueName,
  Throughput,
  WorkerHeartbeat,
} from '@brain/tasks';

/** A worker as the dashboard shows it: from its last heartbeat, or only its name once gone. */
export interface WorkerView {
  hostname: string;
  status: 'online' | 'offline';
  pid: number | null;
  queues: QueueName[];
  pool: string | null;
  concurrency: number | null;
  /** Pool children (prefork) or threads. */
  processes: number;
  active: HeldTask[];
  reserved: number;
  processed: number | null;
  /** Tasks run per task name since the worker started. */
  total: Record<string, number>;
  /** CPU used between its last two heartbeats, in percent of one core; null until known. */
  cpu_percent: number | null;
  rss_bytes: number | null;
  loadavg: number[];
  uptime_seconds: number | null;
  heartbeat_at: string | null;
}

export interface SnapshotTotals {
  workers_online: number;
  workers_offline: number;
  active: number;
  reserved: number;
  /** Ready to run, every queue. */
  ready: number;
  /** Waiting for a countdown, ETA or retry, every queue. */
  scheduled: number;
  /** Tasks run by the workers online, since each started. */
  processed: number;
}

/** Everything the dashboard page shows at one moment, pushed every few seconds. */
export interface DashboardSnapshot {
  at: string;
  workers: WorkerView[];
  queues: QueueDepth[];
  totals: SnapshotTotals;
  /** Tasks running now, as Redis records them (what their records read as STARTED). */
  running: ActiveTask[];
  throughput: Throughput;
}

export interface SnapshotInput {
  online: WorkerHeartbeat[];
  /** Hostnames seen lately whose heartbeat has stopped. */
  offline: string[];
  queues: QueueDepth[];
  running: ActiveTask[];
  throughput: Throughput;
  now: number;
}

interface CpuSample {
  pid: number;
  sentAt: number;
  cpuSeconds: number;
  percent: number | null;
}

/**
 * CPU in percent from the growth of a worker's CPU time between two of its heartbeats. It follows
 * the heartbeats' own clock, so it does not matter how often snapshots are built.
 */
export class CpuTracker {
  private readonly samples = new Map<string, CpuSample>();

  percent(beat: WorkerHeartbeat): number | null {
    const sentAt = Date.parse(beat.sent_at);
    const previous = this.samples.get(beat.hostname);
    if (previous && previous.pid === beat.pid && previous.sentAt === sentAt)
      return previous.percent;
    let percent: number | null = null;
    if (previous && previous.pid === beat.pid && sentAt > previous.sentAt) {
      const used = beat.cpu_seconds - previous.cpuSeconds;
      percent = Math.max(0, Math.round((used / ((sentAt - previous.sentAt) / 1000)) * 1000) / 10);
    }
    this.samples.set(beat.hostname, {
      pid: beat.pid,
      sentAt,
      cpuSeconds: beat.cpu_seconds,
      percent,
    });
    return percent;
  }

  /** Forgets workers no longer online. */
  keepOnly(hostnames: ReadonlySet<string>): void {
    for (const name of this.samples.keys()) if (!hostnames.has(name)) this.samples.delete(name);
  }
}

export function buildSnapshot(input: SnapshotInput, cpu: CpuTracker): DashboardSnapshot {
  const online = [...input.online].sort((a, b) => a.hostname.localeCompare(b.hostname));
  cpu.keepOnly(new Set(online.map((b) => b.hostname)));
  const workers: WorkerView[] = online.map((b) => ({
    hostname: b.hostname,
    status: 'online',
    pid: b.pid,
    queues: b.queues,
    pool: b.pool.implementation,
    concurrency: b.pool['max-concurrency'],
    processes: b.pool.processes.length,
    active: b.active,
    reserved: b.reserved?.length ?? 0,
    processed: b.processed,
    total: b.total,
    cpu_percent: cpu.percent(b),
    rss_bytes: b.rss_bytes,
    loadavg: b.loadavg,
    uptime_seconds: Math.max(0, Math.round((input.now - Date.parse(b.started_at)) / 1000)),
    heartbeat_at: b.sent_at,
  }));
  const onlineNames = new Set(workers.map((w) => w.hostname));
  const offline = [...new Set(input.offline)]
    .filter((name) => !onlineNames.has(name))
    .sort()
    .map(offlineWorker);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    at: new Date(input.now).toISOString(),
    workers: [...workers, ...offline],
    queues: input.queues,
    running: input.running,
    totals: {
      workers_online: workers.length,
      workers_offline: offline.length,
      active: input.running.filter((t) => !t.reserved).length,
      reserved: sum(workers.map((w) => w.reserved)),
      ready: sum(input.queues.map((q) => q.depth)),
      scheduled: sum(input.queues.map((q) => q.scheduled)),
      processed: sum(workers.map((w) => w.processed ?? 0)),
    },
    throughput: input.throughput,
  };
}

function offlineWorker(hostname: string): WorkerView {
  return {
    hostname,
    status: 'offline',
    pid: null,
    queues: [],
    pool: null,
    concurrency: null,
    processes: 0,
    active: [],
    reserved: 0,
    processed: null,
    total: {},
    cpu_percent: null,
    rss_bytes: null,
    loadavg: [],
    uptime_seconds: null,
    heartbeat_at: null,
  };
}
