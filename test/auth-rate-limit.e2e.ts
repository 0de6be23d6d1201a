import type { DatabaseConfig } from '@brain/config';
import request from 'supertest';
import { ApiProcess, TEST_ADMIN_KEY, databaseUrl } from './support/api-process';
import { DashboardProcess } from './support/dashboard-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

jest.setTimeout(120_000);

const WRONG_KEY = 'brn_not-a-key-at-all';
const LIMIT = { AUTH_RATE_LIMIT: '3/60' };

/**
 * Failed authentications are counted per client address in Redis: every API process and the
 * UI's login share one count, and past AUTH_RATE_LIMIT every attempt is a 429 until the window
 * ends, whatever key it sends. Successful calls are never counted.
 */
describe('the limit on failed authentications, across two API processes and the UI (one Redis)', () => {
  let apis: ApiProcess[];
  let dashboard: DashboardProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    const prefix = uniquePrefix('auth-rate-limit');
    database = await testSqliteConfig('auth-rate-limit');
    // One after the other: the first creates the database the others share.
    const first = await ApiProcess.start(prefix, database, LIMIT);
    apis = [first, await ApiProcess.start(prefix, database, LIMIT)];
    dashboard = await DashboardProcess.start(prefix, {
      ...LIMIT,
      DATABASE_URL: databaseUrl(database),
    });
  });

  afterAll(async () => {
    await Promise.all([...(apis ?? []).map((a) => a.stop()), dashboard?.stop()]);
    if (database) await dropTestDatabase(database);
  });

  const login = (key: string) =>
    request(dashboard.url).post('/api/session').set('Origin', dashboard.url).send({ api_key: key });

  const expectLimited = (res: request.Response) => {
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(
        /^Too many failed authentications from this address: try again in \d+ s$/,
      ),
    });
  };

  it('counts failures on both API processes and the UI login together, then refuses every key', async () => {
    // Successful calls and calls without a key are not failures: none of these counts.
    for (let i = 0; i < 10; i++) {
      await apis[i % 2].as().get('/api/tasks/registered/list').expect(200);
      await apis[i % 2].as(null).get('/api/tasks/registered/list').expect(401);
    }
    await login(TEST_ADMIN_KEY).expect(200);

    await apis[0].as(WRONG_KEY).get('/api/tasks/registered/list').expect(401);
    await apis[1].as(WRONG_KEY).get('/api/keys').expect(401);
    await login(WRONG_KEY).expect(401);

    // The fourth attempt, anywhere, with any key: the valid one is not even looked at.
    expectLimited(await apis[0].as(WRONG_KEY).get('/api/tasks/registered/list'));
    expectLimited(await apis[0].as().get('/api/tasks/registered/list'));
    expectLimited(await apis[1].as().get('/api/keys'));
    expectLimited(await login(TEST_ADMIN_KEY));
    expectLimited(await apis[1].as().get('/health'));
    // A header the client writes itself moves nothing without TRUST_PROXY.
    expectLimited(
      await request(apis[1].url)
        .get('/api/keys')
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .set('X-Forwarded-For', '203.0.113.9'),
    );
    // Health probes send no key: they are not held back.
    await apis[0].as(null).get('/health').expect(200);
  });
});
