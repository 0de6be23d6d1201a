import type { WorkerHeartbeat } from '../inspect/worker-heartbeat';
import type { TaskRecord } from '../results/task-record';
import { revokeResult, taskDetail, taskStatus, workerStats } from './task-views';

const record = (over: Partial<TaskRecord>): TaskRecord => ({
  task_id: 't1',
  task_name: 'tests.add',
  queue: 'default',
  state: 'PENDING',
  args: [1, 2],
  kwargs: {},
  priority: 5,
  retries: 0,
  attempts: 0,
  worker: null,
  date_received: '2026-11-29T10:00:00.000Z',
  date_started: null,
  date_done: null,
  eta: null,
  expires: null,
  periodic_task_name: null,
  result: undefined,
  error: null,
  parent_id: null,
  ...over,
});

describe('taskStatus', () => {
  it('is ready and successful, with the result, only on SUCCESS', () => {
    expect(taskStatus(record({ state: 'SUCCESS', result: 3 }))).toMatchObject({
      status: 'SUCCESS',
      ready: true,
      successful: true,
      result: 3,
    });
    expect(taskStatus(record({ state: 'STARTED' }))).toMatchObject({
      ready: false,
      successful: false,
      result: null,
    });
    const failed = record({
      state: 'FAILURE',
      error: { type: 'TypeError', message: 'boom', traceback: null },
    });
    expect(taskStatus(failed)).toMatchObject({
      ready: true,
      successful: false,
      result: null,
      error: { type: 'TypeError', message: 'boom' },
    });
    expect(taskStatus(record({ state: 'REVOKED' }))).toMatchObject({ ready: true });
  });
});

describe('taskDetail and revokeResult', () => {
  it('adds the timeline to the status', () => {
    const timeline = [{ state: 'PENDING' as const, at: '2026-11-29T10:00:00.000Z' }];
    expect(taskDetail(record({}), timeline)).toEqual({ ...taskStatus(record({})), timeline });
  });

  it('names the states as the API does', () => {
    expect(
      revokeResult({ task_id: 't1', previous_state: 'STARTED', state: 'STARTED', terminate: true }),
    ).toEqual({ task_id: 't1', previous_status: 'STARTED', status: 'STARTED', terminate: true });
  });
});

describe('workerStats', () => {
  it('keys the heartbeats by hostname, with uptime and counts', () => {
    const beat: WorkerHeartbeat = {
      hostname: 'w1@host',
      pid: 42,
      queues: ['system'],
      pool: { implementation: 'prefork', 'max-concurrency': 4, processes: [43, 44] },
      total: { 'tests.add': 7 },
      processed: 7,
      active: [],
      reserved: [],
      started_at: '2026-11-29T10:00:00.000Z',
      sent_at: '2026-11-29T10:01:00.000Z',
      cpu_seconds: 1.5,
      rss_bytes: 1000,
      loadavg: [0, 0, 0],
    };
    const stats = workerStats([beat], Date.parse('2026-11-29T10:01:00.000Z'));
    expect(stats).toEqual({
      total_workers: 1,
      workers: {
        'w1@host': expect.objectContaining({
          pool: beat.pool,
          total: { 'tests.add': 7 },
          uptime: 60,
          active: 0,
          reserved: 0,
          rusage: { cpu_seconds: 1.5, rss_bytes: 1000 },
        }),
      },
    });
  });
});
