import type { INestApplicationContext } from '@nestjs/common';
import type { DatabaseConfig } from '@brain/config';
import { Redis } from 'ioredis';
import { ApiProcess, freePort } from './support/api-process';
import { FIXTURE_TASKS } from './support/brain-process';
import { clientApp, tasks } from './support/client-app';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { PrivateRedis } from './support/private-redis';
import { uniquePrefix } from './support/redis';

/** Tasks seeded: more than one request may scan (1,000), fewer than the old cap (20,000). */
const SEEDED = 5_000;
const PARALLEL = 20;
/**
 * Redis commands 20 non-matching list calls may cost together. Scanning 1,000 records a call at
 * one pipelined read a batch (6 commands a record) is about 120k; before the fix each call read all
 * 5,000 records at about 16 commands each (1.6M).
 */
const COMMAND_BUDGET = 250_000;

async function commandsProcessed(redis: Redis): Promise<number> {
  const stats = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(stats)?.[1]);
}

describe('task lists cost a bounded amount whatever the history (real API, private Redis)', () => {
  let redis: PrivateRedis;
  let probe: Redis;
  let api: ApiProcess;
  let sender: INestApplicationContext;
  let database: DatabaseConfig;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    probe = new Redis(redis.url);
    const prefix = uniquePrefix('list-cost');
    database = await testSqliteConfig('list-cost');
    api = await ApiProcess.start(prefix, database, {
      REDIS_URL: redis.url,
      BRAIN_INCLUDE: FIXTURE_TASKS,
    });
    // No worker: every task stays PENDING in its queue.
    sender = await clientApp(prefix, 3600, redis.url);
    const { client } = tasks(sender);
    for (let sent = 0; sent < SEEDED; sent += 250) {
      await Promise.all(
        Array.from({ length: 250 }, (_, i) => client.delay('tests.add', sent + i, 1)),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await sender?.close();
    await api?.stop();
    probe?.disconnect();
    await redis?.stop();
    await dropTestDatabase(database);
  });

  it('answers 20 parallel lists matching nothing within a Redis command budget', async () => {
    const before = await commandsProcessed(probe);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        api.as().get(`/api/tasks?worker=nobody-${i}&limit=50`),
      ),
    );
    const spent = (await commandsProcessed(probe)) - before;
    for (const res of answers) {
      expect([200, 503]).toContain(res.status);
      if (res.status === 200) expect(res.body.tasks).toEqual([]);
    }
    expect(spent).toBeLessThan(COMMAND_BUDGET);
  }, 60_000);

  it('continues a scan that stopped at its budget from its cursor, to the end', async () => {
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const query = `/api/tasks?worker=nobody${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api.as().get(query).expect(200);
      pages++;
      expect(res.body.tasks).toEqual([]);
      if (!res.body.has_more) {
        expect(res.body.next_cursor).toBeNull();
        break;
      }
      expect(res.body.next_cursor).toEqual(expect.any(String));
      cursor = res.body.next_cursor as string;
      expect(pages).toBeLessThan(10);
    }
    // 5,000 records at most 1,000 a call.
    expect(pages).toBe(5);
  }, 60_000);

  it('pages a filter matching everything by cursor without losing or repeating a task', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const query = `/api/tasks?task_name=tests.add&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api.as().get(query).expect(200);
      for (const t of res.body.tasks as { task_id: string }[]) seen.add(t.task_id);
      if (!res.body.has_more) break;
      cursor = res.body.next_cursor as string;
    }
    expect(seen.size).toBe(SEEDED);
  }, 60_000);

  it('refuses an offset past the documented cap, and a malformed cursor, naming the field', async () => {
    const far = await api.as().get('/api/tasks?offset=10001');
    expect(far.status).toBe(400);
    expect(far.body).toMatchObject({ field: 'offset' });
    await api.as().get('/api/tasks?offset=10000').expect(200);
    const cursor = await api.as().get('/api/tasks?cursor=nonsense');
    expect(cursor.status).toBe(400);
    expect(cursor.body).toMatchObject({ field: 'cursor' });
    const missions = await api.as().get('/api/missions?offset=10001');
    expect(missions.status).toBe(400);
    expect(missions.body).toMatchObject({ field: 'offset' });
  });

  it('cancel/all revokes every one of thousands of queued tasks', async () => {
    const res = await api.as().post('/api/tasks/cancel/all').expect(200);
    expect(res.body).toEqual({ revoked: SEEDED, terminated: 0 });
    const pending = await api.as().get('/api/tasks?status=PENDING').expect(200);
    expect(pending.body.tasks).toEqual([]);
    const revoked = await api.as().get('/api/tasks?status=REVOKED&limit=500').expect(200);
    expect(revoked.body.tasks).toHaveLength(500);
  }, 120_000);
});
