import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { ApiKeyStore, hashApiKeySecret, LAST_USED_RESOLUTION_MS } from './api-key.store';

const HOUR = 3_600_000;

describe.each(eachDialect)('ApiKeyStore (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;
  let keys: ApiKeyStore;

  beforeAll(async () => {
    config = await newDatabase('api_keys');
    storage = createDatabase(config);
    await migrate(storage);
    keys = new ApiKeyStore(storage);
  });

  beforeEach(async () => {
    await storage.db.deleteFrom('api_keys').execute();
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  it('creates a key whose secret is returned once and stored only as a hash', async () => {
    const { key, secret } = await keys.create({ name: 'ci', role: 'operator' });

    expect(secret).toMatch(/^brn_[A-Za-z0-9_-]{43}$/);
    expect(key).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'ci',
      role: 'operator',
      prefix: secret.slice(0, 8),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
    });
    const row = await storage.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.hash).toBe(hashApiKeySecret(secret));
    expect(Object.values(row)).not.toContain(secret);
    expect(await keys.get(key.id)).toEqual(key);
    expect(await keys.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('stores an expiry', async () => {
    const expiresAt = new Date('2030-01-02T03:04:05.678Z');
    const { key } = await keys.create({ name: 'temp', role: 'viewer', expiresAt });
    expect(key.expires_at).toBe('2030-01-02T03:04:05.678Z');
    expect((await keys.get(key.id))?.expires_at).toBe('2030-01-02T03:04:05.678Z');
  });

  it('authenticates a valid secret, and refuses unknown, revoked and expired ones', async () => {
    const now = new Date();
    const valid = await keys.create({ name: 'valid', role: 'admin' });
    const future = await keys.create({
      name: 'future',
      role: 'viewer',
      expiresAt: new Date(now.getTime() + HOUR),
    });
    const expired = await keys.create({
      name: 'expired',
      role: 'viewer',
      expiresAt: new Date(now.getTime() - 1),
    });
    const revoked = await keys.create({ name: 'revoked', role: 'admin' });
    expect(await keys.revoke(revoked.key.id)).toBe(true);

    expect(await keys.authenticate(valid.secret, now)).toMatchObject({
      id: valid.key.id,
      role: 'admin',
    });
    expect(await keys.authenticate(future.secret, now)).toMatchObject({ id: future.key.id });
    expect(await keys.authenticate(expired.secret, now)).toBeUndefined();
    expect(await keys.authenticate(revoked.secret, now)).toBeUndefined();
    expect(await keys.authenticate(`${valid.secret}x`, now)).toBeUndefined();
    expect(await keys.authenticate('', now)).toBeUndefined();
    // Expiry is exclusive: a key expiring right now is refused.
    expect(await keys.authenticate(future.secret, new Date(now.getTime() + HOUR))).toBeUndefined();
  });

  it('writes last_used_at at most once a minute', async () => {
    const { key, secret } = await keys.create({ name: 'busy', role: 'viewer' });
    const t0 = new Date('2031-05-01T12:00:00.000Z');
    const lastUsed = async () => (await keys.get(key.id))?.last_used_at;

    expect((await keys.authenticate(secret, t0))?.last_used_at).toBe(t0.toISOString());
    expect(await lastUsed()).toBe(t0.toISOString());

    const soon = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS - 1);
    expect((await keys.authenticate(secret, soon))?.last_used_at).toBe(t0.toISOString());
    expect(await lastUsed()).toBe(t0.toISOString());

    const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS);
    expect((await keys.authenticate(secret, later))?.last_used_at).toBe(later.toISOString());
    expect(await lastUsed()).toBe(later.toISOString());
  });

  it('writes last_used_at once when requests arrive together', async () => {
    const { key, secret } = await keys.create({ name: 'burst', role: 'viewer' });
    const now = new Date();
    const views = await Promise.all(
      Array.from({ length: 5 }, () => keys.authenticate(secret, now)),
    );
    expect(views.every((v) => v?.id === key.id)).toBe(true);
    expect((await keys.get(key.id))?.last_used_at).toBe(now.toISOString());
  });

  it('seeds idempotently, also concurrently, keeping the first name and role', async () => {
    const secret = 'an-admin-key-from-the-environment';
    const seeded = await Promise.all([
      keys.seed('admin', secret, 'admin'),
      keys.seed('admin', secret, 'admin'),
      keys.seed('admin', secret, 'admin'),
    ]);
    expect(new Set(seeded.map((k) => k.id)).size).toBe(1);
    expect(seeded[0]).toMatchObject({ name: 'admin', role: 'admin', prefix: 'an-admin' });

    const again = await keys.seed('renamed', secret, 'viewer');
    expect(again).toEqual(seeded[0]);
    expect(await keys.list()).toHaveLength(1);
    expect(await keys.authenticate(secret)).toMatchObject({ id: seeded[0].id });
  });

  it('lists every key newest first, without hashes', async () => {
    const first = await keys.create({ name: 'first', role: 'viewer' });
    await new Promise((wake) => setTimeout(wake, 5));
    const second = await keys.create({ name: 'second', role: 'operator' });
    await keys.revoke(first.key.id);

    const listed = await keys.list();
    expect(listed.map((k) => k.name)).toEqual(['second', 'first']);
    expect(listed[0]).toEqual(second.key);
    expect(listed[1].revoked_at).not.toBeNull();
    for (const key of listed) expect(key).not.toHaveProperty('hash');
  });

  it('revokes once: false for an unknown or already revoked key', async () => {
    const { key } = await keys.create({ name: 'gone', role: 'viewer' });
    const at = new Date('2032-02-02T02:02:02.000Z');
    expect(await keys.revoke(key.id, at)).toBe(true);
    expect((await keys.get(key.id))?.revoked_at).toBe(at.toISOString());
    expect(await keys.revoke(key.id)).toBe(false);
    expect((await keys.get(key.id))?.revoked_at).toBe(at.toISOString());
    expect(await keys.revoke('00000000-0000-0000-0000-000000000000')).toBe(false);
  });

  it('deletes the keys expired or revoked by now, and counts them', async () => {
    const now = new Date('2033-03-03T03:03:03.000Z');
    const before = new Date(now.getTime() - HOUR);
    const after = new Date(now.getTime() + HOUR);
    const keep = await keys.create({ name: 'keep', role: 'viewer' });
    const notYet = await keys.create({ name: 'not-yet', role: 'viewer', expiresAt: after });
    const lateRevocation = await keys.create({ name: 'late-revoke', role: 'viewer' });
    await keys.revoke(lateRevocation.key.id, after);
    const expired = await keys.create({ name: 'expired', role: 'viewer', expiresAt: before });
    const revoked = await keys.create({ name: 'revoked', role: 'viewer' });
    await keys.revoke(revoked.key.id, before);

    expect(await keys.deleteExpired(now)).toBe(2);
    expect((await keys.list()).map((k) => k.id).sort()).toEqual(
      [keep.key.id, notYet.key.id, lateRevocation.key.id].sort(),
    );
    expect(await keys.get(expired.key.id)).toBeUndefined();
    expect(await keys.deleteExpired(now)).toBe(0);
    expect(await keys.deleteExpired(new Date(after.getTime() + 1))).toBe(2);
  });
});
