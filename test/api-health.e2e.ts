import type { DatabaseConfig } from '@brain/config';
import { ApiProcess, freePort } from './support/api-process';
import { dropTestDatabase, testPostgresConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

/**
 * /health is public: whoever reaches it learns what is up or down, but the raw errors (which
 * name hosts, ports, users and databases) only with a valid key.
 */
describe('/health: up or down for anyone, why only for a valid key (real API process)', () => {
  let api: ApiProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    database = await testPostgresConfig('api_health');
    // Nothing listens on this port: Redis is down from the start.
    const redis = `redis://127.0.0.1:${await freePort()}`;
    api = await ApiProcess.start(uniquePrefix('api-health'), database, { REDIS_URL: redis });
  });

  afterAll(async () => {
    await api?.stop();
    if (database) await dropTestDatabase(database);
  });

  it('tells an anonymous caller only up or down, a valid key also why', async () => {
    const anonymous = await api.as(null).get('/health').expect(503);
    expect(anonymous.body).toEqual({
      status: 'error',
      info: { database: { status: 'up' }, disk: { status: 'up' }, memory_rss: { status: 'up' } },
      error: { redis: { status: 'down' } },
      details: {
        redis: { status: 'down' },
        database: { status: 'up' },
        disk: { status: 'up' },
        memory_rss: { status: 'up' },
      },
    });
    const admin = await api.as().get('/health').expect(503);
    expect(admin.body.error).toEqual({ redis: { status: 'down', message: 'not connected' } });
  });

  it('refuses a wrong key rather than ignoring it (401)', async () => {
    const wrong = await api.as('brn_not-a-key-at-all').get('/health').expect(401);
    expect(wrong.body.message).toBe('Unknown, expired or revoked API key');
  });

  it('keeps the database error from anonymous callers once the database is gone', async () => {
    const name = decodeURIComponent(new URL((database as { url: string }).url).pathname.slice(1));
    await dropTestDatabase(database);
    const anonymous = await waitFor(async () => {
      const res = await api.as(null).get('/health');
      return res.body?.error?.database ? res : undefined;
    }, 'the database to be reported down');
    expect(anonymous.status).toBe(503);
    expect(anonymous.body.error).toEqual({
      redis: { status: 'down' },
      database: { status: 'down' },
    });
    expect(anonymous.text).not.toContain(name);
    // The key cannot be checked without the database: still an answer, the anonymous one.
    const withKey = await api.as().get('/health').expect(503);
    expect(withKey.body.error).toEqual(anonymous.body.error);
  });
});
