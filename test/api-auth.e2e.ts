import { AuditLog, createDatabase, type Storage } from '@brain/storage';
import type { DatabaseConfig } from '@brain/config';
import { ApiProcess, TEST_ADMIN_KEY } from './support/api-process';
import { dropTestDatabase, eachDialect } from './support/databases';
import { uniquePrefix } from './support/redis';

describe.each(eachDialect)(
  'API keys, roles and the audit log on %s (real API process)',
  (dialect, newDatabase) => {
    let api: ApiProcess;
    let database: DatabaseConfig;
    let storage: Storage;
    const keys: Record<'operator' | 'viewer', string> = { operator: '', viewer: '' };

    beforeAll(async () => {
      database = await newDatabase(`api_auth_${dialect}`);
      api = await ApiProcess.start(uniquePrefix(`api-auth-${dialect}`), database);
      storage = createDatabase(database);
      for (const role of ['operator', 'viewer'] as const) {
        const res = await api
          .as()
          .post('/api/keys')
          .send({ name: `${role}-key`, role })
          .expect(201);
        keys[role] = res.body.secret as string;
      }
    });

    afterAll(async () => {
      await api?.stop();
      await storage?.close();
      await dropTestDatabase(database);
    });

    const send = { task_name: 'backend.app.tasks.system_tasks.health_check' };

    it('refuses a call without a key, or with an unknown one (401)', async () => {
      const none = await api.as(null).get('/api/tasks/registered/list');
      expect(none.status).toBe(401);
      expect(none.body.message).toMatch(/Missing API key/);
      const unknown = await api.as('brn_not-a-key-at-all').get('/api/tasks/registered/list');
      expect(unknown.status).toBe(401);
    });

    it('lets a viewer read but not send, cancel or purge (403)', async () => {
      await api.as(keys.viewer).get('/api/tasks/registered/list').expect(200);
      await api.as(keys.viewer).get('/api/tasks/active/list').expect(200);
      const refused = await api.as(keys.viewer).post('/api/tasks/execute').send(send);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/needs the operator role/);
      await api.as(keys.viewer).delete('/api/tasks/some-id').expect(403);
      await api.as(keys.viewer).post('/api/tasks/purge/results').expect(403);
      await api.as(keys.viewer).get('/api/keys').expect(403);
    });

    it('lets an operator send and cancel, but not purge or manage keys', async () => {
      const sent = await api.as(keys.operator).post('/api/tasks/execute').send(send).expect(201);
      await api.as(keys.operator).delete(`/api/tasks/${sent.body.task_id}`).expect(200);
      await api.as(keys.operator).post('/api/tasks/purge/queue?queue_name=default').expect(403);
      await api.as(keys.operator).post('/api/tasks/cancel/all').expect(403);
      await api.as(keys.operator).post('/api/keys').send({ name: 'x', role: 'admin' }).expect(403);
    });

    const CLEANUP_AUDIT = 'backend.app.tasks.maintenance_tasks.cleanup_audit_logs';
    const auditIds = async () =>
      (await storage.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map(
        (r) => r.id,
      );
    /** The entries written since `before` (ids), each as `action status principal`. */
    const auditedSince = async (before: number[]) =>
      (await new AuditLog(storage).list({ limit: 500 }))
        .filter((e) => e.id > Math.max(0, ...before))
        .map((e) => `${e.action} ${e.status} ${e.principal}`);

    it('refuses an operator a task declared for admins (403 naming the role): nothing sent or deleted, the refusal audited', async () => {
      const before = await auditIds();
      const refused = await api
        .as(keys.operator)
        .post('/api/tasks/execute')
        .send({ task_name: CLEANUP_AUDIT, kwargs: { retention_days: 0 } });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe(
        `Sending ${CLEANUP_AUDIT} needs the admin role; key "operator-key" has the operator role`,
      );
      // No earlier entry was deleted; the refusal is the one new entry.
      expect((await auditIds()).slice(0, before.length)).toEqual(before);
      expect(await auditedSince(before)).toEqual(['task.execute 403 operator-key']);
      const listed = await api.as().get(`/api/tasks?task_name=${CLEANUP_AUDIT}`).expect(200);
      expect(listed.body.tasks).toEqual([]);
    });

    it('holds even an admin to the argument floors (400 naming the field), and sends a valid one', async () => {
      const send = (kwargs: Record<string, unknown>) =>
        api.as().post('/api/tasks/execute').send({ task_name: CLEANUP_AUDIT, kwargs });
      const zero = await send({ retention_days: 0 });
      expect(zero.status).toBe(400);
      expect(zero.body).toMatchObject({
        field: 'retention_days',
        message: expect.stringMatching(/retention_days must be a whole number of days >= 7/),
      });
      const sent = await send({ retention_days: 90 }).expect(201);
      expect(sent.body).toMatchObject({ task_name: CLEANUP_AUDIT, queue: 'maintenance' });
    });

    it('lists each registered task with the role that may send it', async () => {
      const res = await api.as(keys.viewer).get('/api/tasks/registered/list').expect(200);
      const details = res.body.details as Array<{ name: string; queue: string; role: string }>;
      expect(res.body.tasks).toEqual(details.map((t) => t.name));
      expect(details).toContainEqual({ name: CLEANUP_AUDIT, queue: 'maintenance', role: 'admin' });
      expect(details).toContainEqual({
        name: 'backend.app.tasks.system_tasks.health_check',
        queue: 'system',
        role: 'operator',
      });
      const admins = details.filter((t) => t.role === 'admin').map((t) => t.name.split('.').pop());
      expect(admins.sort()).toEqual(
        [
          'analyze_database_tables',
          'cleanup_audit_logs',
          'cleanup_completed_missions',
          'cleanup_expired_api_keys',
          'cleanup_expired_cache',
          'cleanup_inactive_agents',
          'cleanup_task_results',
          'full_system_maintenance',
          'optimize_redis_memory',
          'rotate_encryption_keys',
          'send_mission_notification',
          'vacuum_database',
        ].sort(),
      );
    });

    it('refuses an operator the retry of an admin-only task (403), and lets an admin retry it', async () => {
      const sent = await api
        .as()
        .post('/api/tasks/execute')
        .send({ task_name: CLEANUP_AUDIT, countdown: 600 })
        .expect(201);
      const id = sent.body.task_id as string;
      await api.as().delete(`/api/tasks/${id}`).expect(200);
      const before = await auditIds();
      const refused = await api.as(keys.operator).post(`/api/tasks/${id}/retry`);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/needs the admin role; key "operator-key"/);
      expect(await auditedSince(before)).toEqual(['task.retry 403 operator-key']);
      const retried = await api.as().post(`/api/tasks/${id}/retry`).expect(201);
      expect(retried.body).toMatchObject({ retry_of: id, task_name: CLEANUP_AUDIT });
      await api.as().delete(`/api/tasks/${retried.body.task_id}`).expect(200);
    });

    it('lists keys without their secrets, with last use; a revoked key stops working', async () => {
      const created = await api
        .as()
        .post('/api/keys')
        .send({ name: 'short-lived', role: 'viewer' });
      const secret = created.body.secret as string;
      await api.as(secret).get('/api/tasks/registered/list').expect(200);
      const list = await api.as().get('/api/keys').expect(200);
      const listed = (list.body as Array<Record<string, unknown>>).find(
        (k) => k.id === created.body.id,
      );
      expect(listed).toMatchObject({ name: 'short-lived', role: 'viewer', revoked_at: null });
      expect(listed?.last_used_at).toEqual(expect.any(String));
      expect(JSON.stringify(list.body)).not.toContain(secret);
      expect(JSON.stringify(list.body)).not.toContain(TEST_ADMIN_KEY);
      await api.as().delete(`/api/keys/${created.body.id}`).expect(204);
      await api.as(secret).get('/api/tasks/registered/list').expect(401);
      await api.as().delete(`/api/keys/${created.body.id}`).expect(404);
    });

    it('refuses an expired key', async () => {
      const created = await api
        .as()
        .post('/api/keys')
        .send({ name: 'expired', role: 'viewer', expires_at: '2020-01-01T00:00:00Z' })
        .expect(201);
      await api
        .as(created.body.secret as string)
        .get('/api/tasks/registered/list')
        .expect(401);
      const bad = await api.as().post('/api/keys').send({ name: 'x', role: 'root' }).expect(400);
      expect(bad.body.field).toBe('role');
    });

    it('writes an audit entry for each mutating call (who, what, task, where), never a secret', async () => {
      const sent = await api.as(keys.operator).post('/api/tasks/execute').send(send).expect(201);
      await api.as(keys.viewer).post('/api/tasks/execute').send(send).expect(403);
      const audit = new AuditLog(storage);
      const entries = await audit.list({ action: 'task.execute', limit: 50 });
      expect(entries).toContainEqual(
        expect.objectContaining({
          principal: 'operator-key',
          action: 'task.execute',
          task_id: sent.body.task_id,
          ip: expect.stringMatching(/127\.0\.0\.1/),
          status: 201,
        }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({ principal: 'viewer-key', status: 403, task_id: null }),
      );
      const all = await audit.list({ limit: 500 });
      expect(all.map((e) => e.action)).toEqual(
        expect.arrayContaining(['api_key.create', 'api_key.revoke', 'task.revoke']),
      );
      const dump = JSON.stringify(all) + api.log;
      for (const secret of [TEST_ADMIN_KEY, keys.operator, keys.viewer]) {
        expect(dump).not.toContain(secret);
      }
    });
  },
);
