import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { RequestStats } from './request-stats';

const DAY = '2030-06-15';
const at = (hour: number, day = DAY) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

describe.each(eachDialect)('RequestStats (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;
  let stats: RequestStats;

  beforeAll(async () => {
    config = await newDatabase('request_stats');
    storage = createDatabase(config);
    await migrate(storage);
  });

  beforeEach(async () => {
    await storage.db.deleteFrom('request_stats').execute();
    await storage.db.deleteFrom('request_principals').execute();
    stats = new RequestStats(storage);
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  it('reports zeros, not NaN, for a day without requests', async () => {
    expect(await stats.daily(DAY)).toEqual({
      api_requests: { total: 0, avg_response_time_ms: 0 },
      errors: { total: 0, error_rate: 0 },
      users: { unique_active: 0 },
      by_route: [],
    });
  });

  it('aggregates rows in memory and adds them up across flushes', async () => {
    stats.add({
      at: at(1),
      method: 'GET',
      route: '/api/tasks/:task_id',
      status: 200,
      durationMs: 10,
    });
    stats.add({
      at: at(2),
      method: 'GET',
      route: '/api/tasks/:task_id',
      status: 200,
      durationMs: 30,
    });
    await stats.flush();
    const rows = () =>
      storage.db.selectFrom('request_stats').selectAll().orderBy('status').execute();
    expect(await rows()).toEqual([
      {
        day: DAY,
        method: 'GET',
        route: '/api/tasks/:task_id',
        status: 200,
        requests: 2,
        total_ms: 40,
        max_ms: 30,
      },
    ]);

    stats.add({
      at: at(3),
      method: 'GET',
      route: '/api/tasks/:task_id',
      status: 200,
      durationMs: 20.5,
    });
    stats.add({
      at: at(4),
      method: 'GET',
      route: '/api/tasks/:task_id',
      status: 503,
      durationMs: 99,
    });
    await stats.flush();
    // A second writer (another API process) adds to the same rows.
    const other = new RequestStats(storage);
    other.add({
      at: at(5),
      method: 'GET',
      route: '/api/tasks/:task_id',
      status: 200,
      durationMs: 50,
    });
    await other.flush();

    expect(await rows()).toEqual([
      expect.objectContaining({ status: 200, requests: 4, total_ms: 110.5, max_ms: 50 }),
      expect.objectContaining({ status: 503, requests: 1, total_ms: 99, max_ms: 99 }),
    ]);
    // Nothing left to write.
    await stats.flush();
    expect(await rows()).toHaveLength(2);
  });

  it('computes the daily figures: totals, error rate, averages and busiest routes', async () => {
    stats.add({
      at: at(1),
      method: 'POST',
      route: '/api/tasks',
      status: 201,
      durationMs: 10,
      principal: 'ci',
    });
    stats.add({
      at: at(2),
      method: 'POST',
      route: '/api/tasks',
      status: 500,
      durationMs: 40,
      principal: 'ci',
    });
    stats.add({
      at: at(3),
      method: 'GET',
      route: '/api/health',
      status: 200,
      durationMs: 5,
      principal: 'ops',
    });
    // Another day, not counted.
    stats.add({
      at: at(23, '2030-06-14'),
      method: 'GET',
      route: '/api/health',
      status: 500,
      durationMs: 1,
      principal: 'x',
    });

    expect(await stats.daily(DAY)).toEqual({
      api_requests: { total: 3, avg_response_time_ms: 18.3 },
      errors: { total: 1, error_rate: 33.33 },
      users: { unique_active: 2 },
      by_route: [
        { method: 'POST', route: '/api/tasks', requests: 2, errors: 1, avg_ms: 25 },
        { method: 'GET', route: '/api/health', requests: 1, errors: 0, avg_ms: 5 },
      ],
    });
    expect((await stats.daily('2030-06-14')).errors).toEqual({ total: 1, error_rate: 100 });
  });

  it('rounds the error rate to two decimals (12 errors in 1523 requests: 0.79 %)', async () => {
    for (let i = 0; i < 1523; i++) {
      stats.add({
        at: at(9),
        method: 'GET',
        route: '/api/x',
        status: i < 12 ? 502 : 200,
        durationMs: 1,
      });
    }
    expect((await stats.daily(DAY)).errors).toEqual({ total: 12, error_rate: 0.79 });
  });

  it('counts 4xx as requests, not errors', async () => {
    stats.add({ at: at(1), method: 'GET', route: '/api/x', status: 404, durationMs: 1 });
    stats.add({ at: at(1), method: 'GET', route: '/api/x', status: 499, durationMs: 1 });
    expect((await stats.daily(DAY)).errors).toEqual({ total: 0, error_rate: 0 });
  });

  it('counts each principal once per day, across flushes and writers', async () => {
    stats.add({
      at: at(1),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 1,
      principal: 'ci',
    });
    stats.add({
      at: at(2),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 1,
      principal: 'ci',
    });
    await stats.flush();
    stats.add({
      at: at(3),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 1,
      principal: 'ci',
    });
    stats.add({ at: at(3), method: 'GET', route: '/a', status: 401, durationMs: 1 });
    const other = new RequestStats(storage);
    other.add({
      at: at(4),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 1,
      principal: 'ci',
    });
    other.add({
      at: at(4),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 1,
      principal: 'ops',
    });
    other.add({
      at: at(4, '2030-06-16'),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 1,
      principal: 'late',
    });
    await other.flush();

    expect((await stats.daily(DAY)).users.unique_active).toBe(2);
    expect((await stats.daily('2030-06-16')).users.unique_active).toBe(1);
  });

  it('keeps the counts when a flush fails, and writes them next time', async () => {
    const closed = createDatabase(config);
    await closed.close();
    let down = true;
    const flaky: Storage = {
      dialect: storage.dialect,
      get db() {
        return down ? closed.db : storage.db;
      },
      close: async () => undefined,
    };
    const flakyStats = new RequestStats(flaky);
    flakyStats.add({
      at: at(1),
      method: 'GET',
      route: '/a',
      status: 200,
      durationMs: 7,
      principal: 'ci',
    });
    await expect(flakyStats.flush()).rejects.toThrow();
    flakyStats.add({ at: at(2), method: 'GET', route: '/a', status: 200, durationMs: 9 });

    down = false;
    await flakyStats.flush();
    expect(await stats.daily(DAY)).toMatchObject({
      api_requests: { total: 2, avg_response_time_ms: 8 },
      users: { unique_active: 1 },
    });
  });

  it('rejects a malformed day', async () => {
    await expect(stats.daily('15/06/2030')).rejects.toThrow('not a YYYY-MM-DD day');
  });
});
