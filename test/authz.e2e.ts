import type { DatabaseConfig } from '@brain/config';
import request from 'supertest';
import { ApiProcess, TEST_ADMIN_KEY, databaseUrl } from './support/api-process';
import { DashboardProcess } from './support/dashboard-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

const CLEANUP_AUDIT = 'backend.app.tasks.maintenance_tasks.cleanup_audit_logs';

interface Answer {
  status: number;
  message?: string;
}

/**
 * The API and the monitoring UI on one Redis and one database: the same key, used directly
 * (bearer) or by a UI session, gets the same answer from both for every action they share.
 */
describe('one authorization decision for the API and the UI (real API and dashboard processes)', () => {
  const prefix = uniquePrefix('authz');
  let database: DatabaseConfig;
  let api: ApiProcess;
  let dashboard: DashboardProcess;
  const keys: Record<'operator' | 'admin', string> = { operator: '', admin: TEST_ADMIN_KEY };

  beforeAll(async () => {
    database = await testSqliteConfig('authz');
    api = await ApiProcess.start(prefix, database);
    // After the API: it has migrated the database the dashboard shares.
    dashboard = await DashboardProcess.start(prefix, { DATABASE_URL: databaseUrl(database) });
    const made = await api.as().post('/api/keys').send({ name: 'ops', role: 'operator' });
    keys.operator = made.body.secret as string;
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), dashboard?.stop()]);
    if (database) await dropTestDatabase(database);
  });

  /** A logged-in UI session of `key`, over plain HTTP as the page's own calls are made. */
  async function uiSession(key: string) {
    const agent = request.agent(dashboard.url);
    const login = await agent
      .post('/api/session')
      .set('Origin', dashboard.url)
      .send({ api_key: key })
      .expect(200);
    const csrf = login.body.csrf_token as string;
    const call = async (method: 'post' | 'delete', path: string): Promise<Answer> => {
      const res = await agent[method](path).set('Origin', dashboard.url).set('X-CSRF-Token', csrf);
      return { status: res.status, message: res.body.message };
    };
    return {
      view: login.body as { role: string; may: Record<string, boolean> },
      post: (path: string) => call('post', path),
      delete: (path: string) => call('delete', path),
      get: (path: string) => agent.get(path),
    };
  }

  const viaApi = async (key: string, path: string): Promise<Answer> => {
    const res = await api.as(key).post(path);
    return { status: res.status, message: res.body.message };
  };

  /** A REVOKED task of `name` (sent with a countdown, revoked before it ran), for retries. */
  async function revoked(name: string): Promise<string> {
    const sent = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: name, countdown: 600 })
      .expect(201);
    await api.as().delete(`/api/tasks/${sent.body.task_id}`).expect(200);
    return sent.body.task_id as string;
  }

  it('refuses an operator key the purge of a queue in both (403, same words)', async () => {
    const ui = await uiSession(keys.operator);
    expect(ui.view.may).toMatchObject({ 'queue.purge': false, 'task.retry': true });
    const fromApi = await viaApi(keys.operator, '/api/tasks/purge/queue?queue_name=default');
    const fromUi = await ui.post('/api/queues/purge?queue_name=default');
    expect(fromApi).toEqual({
      status: 403,
      message: 'This call needs the admin role; key "ops" has the operator role',
    });
    expect(fromUi).toEqual(fromApi);
  });

  it('refuses an operator key the retry of an admin-only task in both, and allows the admin', async () => {
    const ui = await uiSession(keys.operator);
    const [a, b] = [await revoked(CLEANUP_AUDIT), await revoked(CLEANUP_AUDIT)];
    const fromApi = await viaApi(keys.operator, `/api/tasks/${a}/retry`);
    const fromUi = await ui.post(`/api/tasks/${b}/retry`);
    expect(fromApi).toEqual({
      status: 403,
      message: `Sending ${CLEANUP_AUDIT} needs the admin role; key "ops" has the operator role`,
    });
    expect(fromUi).toEqual(fromApi);
    // The page offers a retry only where the server would take it.
    const meta = await ui.get('/api/meta').expect(200);
    expect(meta.body.sendable_tasks).not.toContain(CLEANUP_AUDIT);
    expect(meta.body.sendable_tasks).toContain('backend.app.tasks.system_tasks.health_check');

    const admin = await uiSession(keys.admin);
    expect((await viaApi(keys.admin, `/api/tasks/${a}/retry`)).status).toBe(201);
    expect((await admin.post(`/api/tasks/${b}/retry`)).status).toBe(201);
    const adminMeta = await admin.get('/api/meta').expect(200);
    expect(adminMeta.body.sendable_tasks).toContain(CLEANUP_AUDIT);
  });

  it('gives each key the same answer in both for every shared action', async () => {
    const plain = 'backend.app.tasks.system_tasks.health_check';
    for (const role of ['operator', 'admin'] as const) {
      const ui = await uiSession(keys[role]);
      const [a, b] = [await revoked(plain), await revoked(plain)];
      const pending = async () =>
        (
          await api
            .as()
            .post('/api/tasks/execute')
            .send({ task_name: plain, countdown: 600 })
            .expect(201)
        ).body.task_id as string;
      const [c, d] = [await pending(), await pending()];
      const pairs: Array<[string, Answer, Answer]> = [
        [
          'purge',
          await viaApi(keys[role], '/api/tasks/purge/queue?queue_name=maintenance'),
          await ui.post('/api/queues/purge?queue_name=maintenance'),
        ],
        [
          'retry',
          await viaApi(keys[role], `/api/tasks/${a}/retry`),
          await ui.post(`/api/tasks/${b}/retry`),
        ],
        [
          'revoke',
          await api
            .as(keys[role])
            .delete(`/api/tasks/${c}`)
            .then((r) => ({ status: r.status, message: r.body.message })),
          await ui.delete(`/api/tasks/${d}`),
        ],
      ];
      for (const [action, fromApi, fromUi] of pairs) {
        // The API answers 201 where the UI answers 200 for the same outcome: compare the verdict.
        const verdict = (x: Answer) => (x.status < 300 ? 'allowed' : `${x.status} ${x.message}`);
        expect([role, action, verdict(fromUi)]).toEqual([role, action, verdict(fromApi)]);
      }
      expect(pairs.find(([action]) => action === 'purge')?.[1].status).toBe(
        role === 'admin' ? 200 : 403,
      );
    }
  });
});
