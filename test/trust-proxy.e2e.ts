import type { DatabaseConfig } from '@brain/config';
import { createDatabase, type Storage } from '@brain/storage';
import request from 'supertest';
import { ApiProcess, TEST_ADMIN_KEY } from './support/api-process';
import { DashboardProcess } from './support/dashboard-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

jest.setTimeout(120_000);

const WRONG_KEY = 'brn_not-a-key-at-all';

/**
 * X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies TRUST_PROXY names:
 * then the client address (audit, rate limit) is the proxy's client and a TLS proxy makes the
 * UI's cookie Secure; without it they are what the client wrote, and ignored.
 */
describe('TRUST_PROXY (real API and UI processes)', () => {
  describe.each([
    ['behind a trusted proxy (TRUST_PROXY=loopback)', { TRUST_PROXY: 'loopback' }, true],
    ['without TRUST_PROXY', {}, false],
  ])('%s', (_name, env: Record<string, string>, trusted) => {
    let api: ApiProcess;
    let dashboard: DashboardProcess;
    let database: DatabaseConfig;
    let storage: Storage;

    beforeAll(async () => {
      const prefix = uniquePrefix(`trust-proxy-${trusted}`);
      database = await testSqliteConfig('trust-proxy');
      const limited = { ...env, AUTH_RATE_LIMIT: '2/60' };
      [api, dashboard] = await Promise.all([
        ApiProcess.start(prefix, database, limited),
        DashboardProcess.start(prefix, env),
      ]);
      storage = createDatabase(database);
    });

    afterAll(async () => {
      await Promise.all([api?.stop(), dashboard?.stop()]);
      await storage?.close();
      if (database) await dropTestDatabase(database);
    });

    it(`${trusted ? 'marks' : 'does not mark'} the UI's session cookie Secure for a request the proxy got over HTTPS`, async () => {
      const res = await request(dashboard.url)
        .post('/api/session')
        .set('Origin', dashboard.url)
        .set('X-Forwarded-Proto', 'https')
        .send({ api_key: TEST_ADMIN_KEY })
        .expect(200);
      const cookie = res.headers['set-cookie']?.[0] ?? '';
      expect(cookie).toMatch(/^brain_dashboard_session=/);
      expect(/;\s*Secure/i.test(cookie)).toBe(trusted);
    });

    const fromClient = (ip: string, key: string) =>
      request(api.url)
        .get('/api/tasks/registered/list')
        .set('Authorization', `Bearer ${key}`)
        .set('X-Forwarded-For', ip);

    it(`${trusted ? 'audits' : 'does not audit'} the forwarded client address`, async () => {
      await request(api.url)
        .post('/api/keys')
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .set('X-Forwarded-For', '203.0.113.7')
        .send({ name: 'from-behind-a-proxy', role: 'viewer' })
        .expect(201);
      const row = await storage.db
        .selectFrom('audit_log')
        .select('ip')
        .where('action', '=', 'api_key.create')
        .executeTakeFirstOrThrow();
      expect(row.ip).toBe(trusted ? '203.0.113.7' : '127.0.0.1');
    });

    it(`${trusted ? 'counts' : 'does not count'} failed keys per forwarded client`, async () => {
      await fromClient('198.51.100.1', WRONG_KEY).expect(401);
      await fromClient('198.51.100.1', WRONG_KEY).expect(401);
      await fromClient('198.51.100.1', TEST_ADMIN_KEY).expect(429);
      // Another client of the proxy has its own count; without trust it is the same client.
      await fromClient('198.51.100.2', TEST_ADMIN_KEY).expect(trusted ? 200 : 429);
    });
  });
});
