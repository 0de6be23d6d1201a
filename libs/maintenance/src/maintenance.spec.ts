import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import { sql } from 'kysely';
import type { DatabaseConfig } from '@brain/config';
import {
  ApiKeyStore,
  AuditLog,
  CacheStore,
  Keyring,
  SecretStore,
  STORAGE,
  type Storage,
  StorageModule,
} from '@brain/storage';
import {
  QueueRegistry,
  RedisConnection,
  ResultStore,
  RevocationService,
  TaskClient,
  TaskRegistry,
  TasksModule,
} from '@brain/tasks';
import { dropTestDatabase, eachDialect } from '../../../test/support/databases';
import { testRedisUrl, uniquePrefix } from '../../../test/support/redis';
import { waitFor } from '../../../test/support/wait';
import { MaintenanceModule } from './maintenance.module';

const TASKS = 'backend.app.tasks.maintenance_tasks';
const DAY = 86_400_000;
const MASTER_KEY = 'maintenance-spec-master-key-0123456789';

describe.each(eachDialect)(
  'maintenance tasks on %s (real Redis and database)',
  (dialect, newDatabase) => {
    let app: INestApplicationContext;
    let database: DatabaseConfig;
    let prefix: string;

    beforeAll(async () => {
      prefix = uniquePrefix(`maintenance-${dialect}`);
      database = await newDatabase(`maintenance_${dialect}`);
      @Module({
        imports: [
          TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix }),
          StorageModule.forRoot({ database, masterKey: MASTER_KEY }),
          MaintenanceModule,
        ],
      })
      class AppModule {}
      app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    });

    afterAll(async () => {
      await app?.close();
      await dropTestDatabase(database);
    });

    const call = <T>(name: string, kwargs: Record<string, unknown> = {}) =>
      app.get(TaskClient).call<T>(`${TASKS}.${name}`, kwargs);

    it('cleanup_audit_logs deletes the entries older than the retention, and only those', async () => {
      const audit = app.get(AuditLog);
      const old = new Date(Date.now() - 100 * DAY);
      await audit.record({ principal: 'p', action: 'old.one', at: old });
      await audit.record({ principal: 'p', action: 'old.two', at: old });
      await audit.record({ principal: 'p', action: 'recent', at: new Date(Date.now() - 10 * DAY) });
      const outcome = await call<{ deleted: number; cutoff_date: string }>('cleanup_audit_logs', {
        retention_days: 90,
      });
      expect(outcome.deleted).toBe(2);
      expect(Date.parse(outcome.cutoff_date)).toBeLessThan(Date.now() - 89 * DAY);
      expect((await audit.list({ limit: 10 })).map((e) => e.action)).toEqual(['recent']);
      await expect(call('cleanup_audit_logs', { retention_days: -1 })).rejects.toThrow(
        /retention_days must be a whole number/,
      );
    });

    it('refuses, when sent, days below each documented floor (naming the field), and nothing is queued', async () => {
      const client = app.get(TaskClient);
      const refusal = (name: string, kwargs: Record<string, unknown>) =>
        client.applyAsync(`${TASKS}.${name}`, { kwargs }).then(
          () => undefined,
          (err: unknown) => err as { field?: string; message: string },
        );
      const queue = app.get(QueueRegistry).get('maintenance');
      const before = await queue.count();
      expect(await refusal('cleanup_audit_logs', { retention_days: 0 })).toMatchObject({
        field: 'retention_days',
        message: expect.stringMatching(/>= 7/),
      });
      expect(await refusal('cleanup_audit_logs', { retention_days: 6 })).toMatchObject({
        field: 'retention_days',
      });
      expect(await refusal('cleanup_task_results', { days_old: 0 })).toMatchObject({
        field: 'days_old',
        message: expect.stringMatching(/>= 1/),
      });
      expect(await queue.count()).toBe(before);
      // Each task is declared an admin's, maintenance and key rotation alike.
      const roles = app
        .get(TaskRegistry)
        .all()
        .map((t) => [t.name, t.options.role]);
      expect(roles.length).toBeGreaterThanOrEqual(9);
      for (const [name, role] of roles) expect([name, role]).toEqual([name, 'admin']);
    });

    it('cleanup_expired_api_keys deletes expired and revoked keys, keeps the live one', async () => {
      const keys = app.get(ApiKeyStore);
      const live = await keys.create({ name: 'live', role: 'viewer' });
      await keys.create({ name: 'expired', role: 'viewer', expiresAt: new Date(Date.now() - DAY) });
      const revoked = await keys.create({ name: 'revoked', role: 'viewer' });
      await keys.revoke(revoked.key.id, new Date(Date.now() - 1000));
      expect(await call('cleanup_expired_api_keys')).toMatchObject({ deleted: 2 });
      expect((await keys.list()).map((k) => k.name)).toEqual(['live']);
      expect(await keys.authenticate(live.secret)).toMatchObject({ name: 'live' });
    });

    it('cleanup_task_results forgets finished tasks older than days_old, never pending ones', async () => {
      const client = app.get(TaskClient);
      const results = app.get(ResultStore);
      const done = await Promise.all(
        [1, 2, 3].map(() => client.applyAsync(`${TASKS}.cleanup_expired_api_keys`)),
      );
      // A plain BullMQ worker finishes them: this test is about what is left afterwards.
      const worker = new Worker('maintenance', async () => ({ ok: true }), {
        connection: app.get(RedisConnection).connectionOptions,
        prefix,
      });
      const queue = app.get(QueueRegistry).get('maintenance');
      try {
        await waitFor(
          async () => ((await queue.getCompletedCount()) >= 3 ? true : undefined),
          'the three tasks to complete',
        );
      } finally {
        await worker.close();
      }
      const waiting = await client.applyAsync(`${TASKS}.cleanup_expired_api_keys`, {
        countdown: 600,
      });

      expect(await call('cleanup_task_results', { days_old: 7 })).toMatchObject({ deleted: 0 });
      const outcome = await call<{ deleted: number }>('cleanup_task_results', { days_old: 0 });
      expect(outcome.deleted).toBe(3);
      for (const t of done) expect(await results.get(t.task_id)).toBeNull();
      expect(await results.get(waiting.task_id)).toMatchObject({ state: 'PENDING' });
    });

    it('cleanup_expired_cache deletes the expired entries, keeps the live ones', async () => {
      const cache = app.get(CacheStore);
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000);
      await cache.set('expired-1', { a: 1 }, 60, hoursAgo(2));
      await cache.set('expired-2', 'x', 3600, hoursAgo(1.5));
      await cache.set('live', 'still here', 3600);
      await cache.set('forever', [1, 2], undefined, hoursAgo(1000));
      const before = Date.now();
      const outcome = await call<{ deleted: number; cutoff_date: string }>('cleanup_expired_cache');
      expect(outcome.deleted).toBe(2);
      expect(Date.parse(outcome.cutoff_date)).toBeGreaterThanOrEqual(before);
      const db = app.get<Storage>(STORAGE).db;
      const keys = await db.selectFrom('cache_entries').select('key').orderBy('key').execute();
      expect(keys.map((k) => k.key)).toEqual(['forever', 'live']);
      expect(await cache.get('live')).toBe('still here');
      expect(await cache.get('forever')).toEqual([1, 2]);
      expect(await call('cleanup_expired_cache')).toMatchObject({ deleted: 0 });
    });

    it('rotate_encryption_keys rotates the key; old secrets stay readable, the old key goes', async () => {
      const secrets = app.get(SecretStore);
      await secrets.put('webhook:orders', 'whsec_orders');
      await secrets.put('webhook:billing', 'whsec_billing');
      const old = await app.get(Keyring).activeKeyId();
      const db = app.get<Storage>(STORAGE).db;
      const before = Date.now();

      const outcome = await call<{
        new_key_id: string;
        retired_key_ids: string[];
        resealed: number;
        removed_key_ids: string[];
        unreadable_secrets: string[];
        rotated_at: string;
      }>('rotate_encryption_keys');

      expect(outcome).toEqual({
        new_key_id: expect.any(String),
        retired_key_ids: [old],
        resealed: 2,
        removed_key_ids: [old],
        unreadable_secrets: [],
        rotated_at: expect.any(String),
      });
      expect(outcome.new_key_id).not.toBe(old);
      expect(Date.parse(outcome.rotated_at)).toBeGreaterThanOrEqual(before);
      const keys = await db.selectFrom('encryption_keys').select(['id', 'status']).execute();
      expect(keys).toEqual([{ id: outcome.new_key_id, status: 'active' }]);
      const rows = await db.selectFrom('sealed_secrets').select('key_id').distinct().execute();
      expect(rows).toEqual([{ key_id: outcome.new_key_id }]);
      expect(await secrets.get('webhook:orders')).toBe('whsec_orders');
      expect(await secrets.get('webhook:billing')).toBe('whsec_billing');

      const again = await call<{ retired_key_ids: string[]; resealed: number }>(
        'rotate_encryption_keys',
      );
      expect(again).toMatchObject({ retired_key_ids: [outcome.new_key_id], resealed: 2 });
      expect(await secrets.get('webhook:orders')).toBe('whsec_orders');
    });

    it('rotate_encryption_keys is scheduled monthly (1st, 04:00) on the maintenance queue', () => {
      const registry = app.get(TaskRegistry);
      expect(registry.get(`${TASKS}.rotate_encryption_keys`)).toMatchObject({
        queue: 'maintenance',
        schedules: [
          { id: 'rotate-encryption-keys', cron: '0 4 1 * *', description: 'Key rotation' },
        ],
      });
      expect(registry.get(`${TASKS}.cleanup_expired_cache`)).toMatchObject({
        queue: 'maintenance',
        schedules: [],
      });
    });

    it('optimize_redis_memory removes provable garbage only, and reports memory before and after', async () => {
      const redis = app.get(RedisConnection).client;
      const revocations = app.get(RevocationService);
      const staleAt = Date.now() - 2 * 3600 * 1000; // past the default one-hour result expiry
      await redis.zadd(`${prefix}:tasks`, staleAt, 'long-gone-task');
      await redis.zadd(revocations.revokedKey, staleAt, 'long-gone-revocation');
      await redis.zadd(revocations.revokedKey, Date.now(), 'fresh-revocation');
      const outcome = await call<{
        memory_before_bytes: number;
        memory_after_bytes: number;
        keys_deleted: number;
        removed: Record<string, number>;
      }>('optimize_redis_memory');
      expect(outcome.removed).toEqual({ task_index_entries: 1, expired_revocations: 1 });
      expect(outcome.keys_deleted).toBe(2);
      expect(outcome.memory_before_bytes).toBeGreaterThan(0);
      expect(outcome.memory_after_bytes).toBeGreaterThan(0);
      expect(await redis.zscore(`${prefix}:tasks`, 'long-gone-task')).toBeNull();
      expect(await redis.zscore(revocations.revokedKey, 'fresh-revocation')).not.toBeNull();
    });

    it('vacuum_database and analyze_database_tables run for real', async () => {
      const audit = app.get(AuditLog);
      const old = new Date(Date.now() - 1000 * DAY);
      for (let i = 0; i < 300; i++)
        await audit.record({
          principal: 'bulk',
          action: 'bulk',
          detail: { pad: 'x'.repeat(500) },
          at: old,
        });
      await call('cleanup_audit_logs', { retention_days: 90 });
      const vacuum = await call<{
        dialect: string;
        size_before_bytes: number;
        size_after_bytes: number;
      }>('vacuum_database');
      expect(vacuum.dialect).toBe(dialect);
      expect(vacuum.size_after_bytes).toBeGreaterThan(0);
      expect(vacuum.size_after_bytes).toBeLessThanOrEqual(vacuum.size_before_bytes);
      const analyze = await call<{ tables: string[] }>('analyze_database_tables');
      // Every table of the application, the domains' too.
      for (const table of ['audit_log', 'missions', 'agents', 'notification_outbox'])
        expect(analyze.tables).toContain(table);
      const db = app.get<Storage>(STORAGE).db;
      if (dialect === 'sqlite') {
        // sqlite_stat1 only gets rows for tables with an index: audit_log has one.
        const { rows } = await sql<{ tbl: string }>`select tbl from sqlite_stat1`.execute(db);
        expect(rows.map((r) => r.tbl)).toContain('audit_log');
      } else {
        const { rows } = await sql<{
          relname: string;
          last_analyze: Date | null;
        }>`select relname, last_analyze from pg_stat_user_tables where relname in ('audit_log', 'missions')`.execute(
          db,
        );
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row.last_analyze).not.toBeNull();
      }
    });

    it('full_system_maintenance runs every step and reports each; one failing stops none', async () => {
      const all = await call<{
        succeeded: number;
        failed: number;
        steps: Record<string, { status: string }>;
      }>('full_system_maintenance');
      expect(all).toMatchObject({ succeeded: 7, failed: 0 });
      // Key rotation is not part of it: it runs on its own schedule only.
      expect(Object.keys(all.steps)).toEqual([
        'cleanup_audit_logs',
        'cleanup_task_results',
        'cleanup_expired_api_keys',
        'cleanup_expired_cache',
        'optimize_redis_memory',
        'vacuum_database',
        'analyze_database_tables',
      ]);
      // Without the engine's Redis connection, the Redis steps fail; the database ones still run.
      app.get(RedisConnection).client.disconnect();
      const degraded = await call<{ failed: number; steps: Record<string, { status: string }> }>(
        'full_system_maintenance',
      );
      expect(degraded.steps.optimize_redis_memory.status).toBe('failed');
      expect(degraded.steps.vacuum_database.status).toBe('success');
      expect(degraded.steps.analyze_database_tables.status).toBe('success');
      expect(degraded.steps.cleanup_audit_logs.status).toBe('success');
      expect(degraded.steps.cleanup_expired_cache.status).toBe('success');
      expect(degraded.failed).toBeGreaterThanOrEqual(1);
    });
  },
);
