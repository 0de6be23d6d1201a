import type { DatabaseConfig } from '@brain/config';
import { ApiProcess } from './support/api-process';
import { FIXTURE_TASKS } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

/** `{"a": {"a": ... 1}}`, `levels` objects deep, as a client would post it. */
const nested = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('the REST API bounds what a sender may ask for (real API process)', () => {
  let api: ApiProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    database = await testSqliteConfig('api-bounds');
    api = await ApiProcess.start(uniquePrefix('api-bounds'), database, {
      BRAIN_INCLUDE: FIXTURE_TASKS,
    });
  });

  afterAll(async () => {
    await api?.stop();
    await dropTestDatabase(database);
  });

  const execute = (body: string) =>
    api.as().post('/api/tasks/execute').set('Content-Type', 'application/json').send(body);

  it('refuses kwargs nested 3,000 levels deep with a 400, and still lists tasks', async () => {
    const res = await execute(`{"task_name": "tests.add", "kwargs": ${nested(3_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'kwargs' });
    await api.as().get('/api/tasks').expect(200);
  });

  it('refuses a time limit a timer cannot hold, and a countdown past 30 days', async () => {
    const limit = await execute('{"task_name": "tests.add", "time_limit": 2147484}');
    expect(limit.status).toBe(400);
    expect(limit.body).toMatchObject({ field: 'time_limit' });
    const countdown = await execute('{"task_name": "tests.add", "countdown": 2592001}');
    expect(countdown.status).toBe(400);
    expect(countdown.body).toMatchObject({ field: 'countdown' });
  });
});
