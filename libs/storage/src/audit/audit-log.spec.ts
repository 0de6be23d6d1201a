import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { AuditLog } from './audit-log';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute));

describe.each(eachDialect)('AuditLog (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;
  let audit: AuditLog;

  beforeAll(async () => {
    config = await newDatabase('audit');
    storage = createDatabase(config);
    await migrate(storage);
    audit = new AuditLog(storage);
  });

  beforeEach(async () => {
    await storage.db.deleteFrom('audit_log').execute();
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  it('records an entry with its optional fields and parses the detail back', async () => {
    const before = new Date().toISOString();
    await audit.record({
      principal: 'ci',
      action: 'task.execute',
      taskId: 'b3c1e0f2',
      target: 'brain.system.health_check',
      ip: '10.0.0.7',
      detail: { queue: 'default', args: [1, 'two'], nested: { ok: true } },
      status: 403,
      reason: 'This call needs the operator role',
    });
    await audit.record({ principal: 'admin', action: 'key.create' });

    const [minimal, full] = await audit.list();
    expect(full).toEqual({
      id: expect.any(Number),
      at: expect.any(String),
      principal: 'ci',
      action: 'task.execute',
      task_id: 'b3c1e0f2',
      target: 'brain.system.health_check',
      ip: '10.0.0.7',
      status: 403,
      reason: 'This call needs the operator role',
      detail: { queue: 'default', args: [1, 'two'], nested: { ok: true } },
    });
    expect(full.at >= before).toBe(true);
    expect(minimal).toMatchObject({
      principal: 'admin',
      action: 'key.create',
      task_id: null,
      target: null,
      ip: null,
      status: null,
      reason: null,
      detail: null,
    });
    expect(minimal.id).toBeGreaterThan(full.id);
  });

  it('lists newest first, filtered by time window and action, paginated', async () => {
    await audit.record({ principal: 'a', action: 'task.execute', at: at(1) });
    await audit.record({ principal: 'b', action: 'task.revoke', at: at(3) });
    await audit.record({ principal: 'c', action: 'task.execute', at: at(2) });
    await audit.record({ principal: 'd', action: 'task.execute', at: at(4) });
    // Same instant as c: insertion order breaks the tie, newest first.
    await audit.record({ principal: 'e', action: 'task.execute', at: at(2) });

    const principals = async (query: Parameters<AuditLog['list']>[0]) =>
      (await audit.list(query)).map((e) => e.principal);

    expect(await principals({})).toEqual(['d', 'b', 'e', 'c', 'a']);
    expect(await principals({ action: 'task.execute' })).toEqual(['d', 'e', 'c', 'a']);
    expect(await principals({ action: 'nothing' })).toEqual([]);
    // Both ends are inclusive, as in every list of the API.
    expect(await principals({ since: at(2), until: at(3) })).toEqual(['b', 'e', 'c']);
    expect(await principals({ since: at(2), action: 'task.execute' })).toEqual(['d', 'e', 'c']);
    expect(await principals({ limit: 2 })).toEqual(['d', 'b']);
    expect(await principals({ limit: 2, offset: 2 })).toEqual(['e', 'c']);
    expect(await principals({ offset: 4 })).toEqual(['a']);
    expect((await audit.list())[0].at).toBe(at(4).toISOString());
  });

  it('filters by principal and status, and pages with has_more', async () => {
    await audit.record({ principal: 'viewer', action: 'task.execute', status: 403, at: at(1) });
    await audit.record({ principal: 'anonymous', action: 'task.execute', status: 401, at: at(2) });
    await audit.record({ principal: 'viewer', action: 'task.revoke', status: 403, at: at(3) });
    await audit.record({ principal: 'ops', action: 'task.execute', status: 201, at: at(4) });
    await audit.record({ principal: 'cli:root', action: 'api_key.create', at: at(5) });

    const actions = async (query: Parameters<AuditLog['list']>[0]) =>
      (await audit.list(query)).map((e) => `${e.principal} ${e.action}`);
    expect(await actions({ status: 403 })).toEqual(['viewer task.revoke', 'viewer task.execute']);
    expect(await actions({ principal: 'viewer', action: 'task.execute' })).toEqual([
      'viewer task.execute',
    ]);
    expect(await actions({ status: 401, principal: 'viewer' })).toEqual([]);

    const first = await audit.page({ limit: 2, offset: 0 });
    expect(first.entries.map((e) => e.principal)).toEqual(['cli:root', 'ops']);
    expect(first).toMatchObject({ limit: 2, offset: 0, has_more: true });
    const last = await audit.page({ limit: 2, offset: 4 });
    expect(last.entries.map((e) => e.principal)).toEqual(['viewer']);
    expect(last.has_more).toBe(false);
  });

  it('returns at most 100 entries by default', async () => {
    for (let i = 0; i < 105; i++) await audit.record({ principal: 'p', action: `a${i}` });
    expect(await audit.list()).toHaveLength(100);
  });

  it('deletes the entries older than a cutoff and counts them', async () => {
    for (const minute of [1, 2, 3, 4]) {
      await audit.record({ principal: `m${minute}`, action: 'x', at: at(minute) });
    }
    expect(await audit.deleteOlderThan(at(3))).toBe(2);
    expect((await audit.list()).map((e) => e.principal)).toEqual(['m4', 'm3']);
    expect(await audit.deleteOlderThan(at(3))).toBe(0);
  });
});
