import type { QueueDepth, Throughput, WorkerHeartbeat } from '@brain/tasks';
import { buildSnapshot, CpuTracker } from './snapshot';

const T0 = Date.parse('2026-05-01T10:00:00Z');

function beat(hostname: string, overrides: Partial<WorkerHeartbeat> = {}): WorkerHeartbeat {
  return {
    hostname,
    pid: 100,
    queues: ['system', 'default'],
    pool: { implementation: 'prefork', 'max-concurrency': 4, processes: [201, 202, 203, 204] },
    total: { 'tests.add': 3 },
    processed: 3,
    active: [],
    reserved: [],
    started_at: new Date(T0 - 60_000).toISOString(),
    sent_at: new Date(T0).toISOString(),
    cpu_seconds: 10,
    rss_bytes: 150 * 1024 * 1024,
    loadavg: [0.5, 0.4, 0.3],
    ...overrides,
  };
}

const queue = (name: QueueDepth['queue'], depth: number, scheduled: number): QueueDepth => ({
  queue: name,
  priority: 5,
  depth,
  by_priority: { 5: depth },
  scheduled,
  active: 0,
});

const throughput: Throughput = { bucket_seconds: 60, points: [] };

describe('buildSnapshot', () => {
  it('lists online workers from their heartbeats, then the offline ones by name', () => {
    const running = {
      task_id: 't1',
      task_name: 'tests.sleep',
      queue: 'default' as const,
      args: [],
      kwargs: { seconds: 5 },
      time_start: new Date(T0 - 1000).toISOString(),
    };
    const snapshot = buildSnapshot(
      {
        online: [beat('w2@host', { active: [running], reserved: [running] }), beat('w1@host')],
        offline: ['gone@host', 'w1@host'],
        queues: [queue('system', 2, 1), queue('default', 3, 4)],
        running: [{ ...running, worker: 'w2@host', pid: 201, reserved: false }],
        throughput,
        now: T0 + 500,
      },
      new CpuTracker(),
    );
    expect(snapshot.at).toBe(new Date(T0 + 500).toISOString());
    expect(snapshot.workers.map((w) => [w.hostname, w.status])).toEqual([
      ['w1@host', 'online'],
      ['w2@host', 'online'],
      ['gone@host', 'offline'],
    ]);
    expect(snapshot.workers[1]).toMatchObject({
      pid: 100,
      pool: 'prefork',
      concurrency: 4,
      processes: 4,
      active: [running],
      reserved: 1,
      processed: 3,
      total: { 'tests.add': 3 },
      rss_bytes: 150 * 1024 * 1024,
      uptime_seconds: 61,
      cpu_percent: null,
    });
    expect(snapshot.workers[2]).toMatchObject({ pid: null, active: [], processed: null });
    expect(snapshot.totals).toEqual({
      workers_online: 2,
      workers_offline: 1,
      active: 1,
      reserved: 1,
      ready: 5,
      scheduled: 5,
      processed: 6,
    });
    expect(snapshot.running).toEqual([
      { ...running, worker: 'w2@host', pid: 201, reserved: false },
    ]);
    expect(snapshot.queues).toHaveLength(2);
    expect(snapshot.throughput).toBe(throughput);
  });
});

describe('CpuTracker', () => {
  it('measures CPU between two heartbeats of the same process, however often it is asked', () => {
    const cpu = new CpuTracker();
    expect(cpu.percent(beat('w'))).toBeNull();
    const next = beat('w', { sent_at: new Date(T0 + 2000).toISOString(), cpu_seconds: 11 });
    expect(cpu.percent(next)).toBe(50);
    // The same heartbeat read again (a snapshot between two beats) keeps its figure.
    expect(cpu.percent(next)).toBe(50);
    const busy = beat('w', { sent_at: new Date(T0 + 4000).toISOString(), cpu_seconds: 14 });
    expect(cpu.percent(busy)).toBe(150);
  });

  it('starts again for a restarted worker (new pid), and forgets workers gone', () => {
    const cpu = new CpuTracker();
    cpu.percent(beat('w'));
    const restarted = beat('w', { pid: 999, sent_at: new Date(T0 + 2000).toISOString() });
    expect(cpu.percent(restarted)).toBeNull();
    cpu.keepOnly(new Set());
    const later = beat('w', {
      pid: 999,
      sent_at: new Date(T0 + 4000).toISOString(),
      cpu_seconds: 20,
    });
    expect(cpu.percent(later)).toBeNull();
  });
});
