import { sql } from 'kysely';
import type { DatabaseConfig } from '@brain/config';
import { createDatabase, type Storage } from '@brain/storage';
import { ApiProcess, TEST_ADMIN_KEY } from './support/api-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

interface Entry {
  principal: string;
  action: string;
  status: number | null;
  reason: string | null;
  task_id: string | null;
  at: string;
  detail: Record<string, unknown> | null;
}

interface Page {
  entries: Entry[];
  limit: number;
  offset: number;
  has_more: boolean;
}

const HEALTH_CHECK = 'backend.app.tasks.system_tasks.health_check';

describe('the audit of refused calls, and GET /api/audit (real API process)', () => {
  let api: ApiProcess;
  let database: DatabaseConfig;
  let storage: Storage;
  const keys = { viewer: '', operator: '' };

  beforeAll(async () => {
    database = await testSqliteConfig('api-audit');
    api = await ApiProcess.start(uniquePrefix('api-audit'), database);
    storage = createDatabase(database);
    for (const role of ['viewer', 'operator'] as const) {
      const res = await api
        .as()
        .post('/api/keys')
        .send({ name: `audit-${role}`, role });
      keys[role] = res.body.secret as string;
    }
  });

  afterAll(async () => {
    await api?.stop();
    await storage?.close();
    if (database) await dropTestDatabase(database);
  });

  const audit = async (query: string): Promise<Page> =>
    (await api.as().get(`/api/audit${query}`).expect(200)).body as Page;

  it("audits a viewer's execute refused (403) with its reason: GET /api/audit?status=403 shows it", async () => {
    const refused = await api
      .as(keys.viewer)
      .post('/api/tasks/execute')
      .send({ task_name: HEALTH_CHECK, kwargs: { password: 'hunter2' } });
    expect(refused.status).toBe(403);
    const page = await audit('?status=403');
    expect(page.entries[0]).toMatchObject({
      principal: 'audit-viewer',
      action: 'task.execute',
      status: 403,
      reason: refused.body.message,
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(refused.body.message).toMatch(/needs the operator role; key "audit-viewer"/);
    // The body is never recorded.
    expect(JSON.stringify(page)).not.toContain('hunter2');
  });

  it('audits a mutating call without a valid key (401) as anonymous, never keeping the key', async () => {
    const forged = 'brn_forged-key-that-must-never-be-stored';
    await api.as(forged).post('/api/tasks/cancel/all').expect(401);
    await api.as(null).delete('/api/keys/some-id').expect(401);
    // A refused read changes nothing: not audited.
    await api.as(null).get('/api/tasks/active/list').expect(401);

    const page = await audit('?status=401&principal=anonymous');
    expect(page.entries.map((e) => [e.action, e.reason])).toEqual([
      ['api_key.revoke', 'Missing API key: send Authorization: Bearer <key>'],
      ['task.cancel_all', 'Unknown, expired or revoked API key'],
    ]);
    const all = JSON.stringify(await audit('?limit=500'));
    expect(all).not.toContain(forged);
    expect(all).not.toContain('active/list');
    for (const secret of [TEST_ADMIN_KEY, keys.viewer, keys.operator])
      expect(all + api.log).not.toContain(secret);
  });

  it("masks a secret in an audited call's query string (the secret policy)", async () => {
    await api
      .as(keys.viewer)
      .post('/api/tasks/purge/queue?queue_name=default&api_key=qs-secret-0123456789')
      .expect(403);
    const page = await audit('?status=403&action=queue.purge&limit=1');
    expect(page.entries[0]?.detail).toMatchObject({
      query: { queue_name: 'default', api_key: '***' },
    });
    expect(JSON.stringify(await audit('?limit=500'))).not.toContain('qs-secret-0123456789');
  });

  it('audits the task-role refusal and a success of the same call, each with its status', async () => {
    await api
      .as(keys.operator)
      .post('/api/tasks/execute')
      .send({ task_name: 'backend.app.tasks.maintenance_tasks.vacuum_database' })
      .expect(403);
    const sent = await api
      .as(keys.operator)
      .post('/api/tasks/execute')
      .send({ task_name: HEALTH_CHECK })
      .expect(201);
    // A bad argument is answered 400 by the engine: audited as 400, not as a 500.
    await api.as(keys.operator).post('/api/tasks/execute').send({ task_name: 'nope' }).expect(400);
    const page = await audit('?principal=audit-operator&action=task.execute&limit=3');
    expect(page.entries.map((e) => [e.status, e.task_id, e.reason !== null])).toEqual([
      [400, null, false],
      [201, sent.body.task_id, false],
      [403, null, true],
    ]);
  });

  it('filters by time and pages newest first, with has_more', async () => {
    const all = await audit('?limit=500');
    expect(all.has_more).toBe(false);
    const times = all.entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    const first = await audit('?limit=2');
    expect(first).toMatchObject({ limit: 2, offset: 0, has_more: true });
    expect(first.entries).toEqual(all.entries.slice(0, 2));
    const second = await audit('?limit=2&offset=2');
    expect(second.entries).toEqual(all.entries.slice(2, 4));
    const oldest = all.entries[all.entries.length - 1];
    const window = await audit(`?since=${oldest.at}&until=${oldest.at}&limit=500`);
    expect(window.entries.map((e) => e.at)).toEqual(times.filter((t) => t === oldest.at));
    expect((await audit('?until=2000-01-01T00:00:00Z')).entries).toEqual([]);
  });

  it('is for admins only, and refuses a bad filter naming it (400)', async () => {
    await api.as(keys.viewer).get('/api/audit').expect(403);
    await api.as(keys.operator).get('/api/audit').expect(403);
    await api.as(null).get('/api/audit').expect(401);
    for (const [query, field] of [
      ['status=abc', 'status'],
      ['status=1000', 'status'],
      ['since=yesterday', 'since'],
      ['limit=0', 'limit'],
      ['colour=red', 'colour'],
    ]) {
      const bad = await api.as().get(`/api/audit?${query}`).expect(400);
      expect([query, bad.body.field]).toEqual([query, field]);
    }
  });

  it('logs and counts an audit entry it cannot write, and still answers the call', async () => {
    const metric = async () => {
      const text = (await api.as().get('/metrics').expect(200)).text;
      return Number(/^brain_audit_write_failures_total (\d+)$/m.exec(text)?.[1]);
    };
    expect(await metric()).toBe(0);
    // The database refuses every new audit row, as a full disk or a lost table would.
    await sql`create trigger audit_refused before insert on audit_log
      begin select raise(abort, 'audit storage refused the row'); end`.execute(storage.db);
    try {
      await api
        .as(keys.operator)
        .post('/api/tasks/execute')
        .send({ task_name: HEALTH_CHECK })
        .expect(201);
      await api.as(keys.viewer).post('/api/tasks/purge/results').expect(403);
    } finally {
      await sql`drop trigger audit_refused`.execute(storage.db);
    }
    expect(await metric()).toBe(2);
    await waitFor(
      async () => /audit entry not written \(results\.purge, status 403/.test(api.log) || undefined,
      'the failed audit write in the log',
    );
    expect(api.log).toMatch(
      /ERROR.*audit entry not written \(task\.execute, status 201, by audit-operator\): .*audit storage refused the row/,
    );
  });
});
