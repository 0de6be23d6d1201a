import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { waitFor } from '../../../../test/support/wait';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { CacheStore } from './cache-store';

const T0 = new Date(Date.UTC(2030, 0, 1, 12, 0));
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(eachDialect)('CacheStore (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;
  let cache: CacheStore;

  beforeAll(async () => {
    config = await newDatabase('cache');
    storage = createDatabase(config);
    await migrate(storage);
    cache = new CacheStore(storage);
  });

  beforeEach(async () => {
    await storage.db.deleteFrom('cache_entries').execute();
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  it('stores JSON values and returns them as they were', async () => {
    const value = { name: 'report', sizes: [1, 2.5, -3], nested: { ok: true, none: null } };
    await cache.set('object', value);
    await cache.set('string', 'héllo ✓');
    await cache.set('number', 42);
    await cache.set('false', false);
    await cache.set('null', null);

    expect(await cache.get('object')).toEqual(value);
    expect(await cache.get<string>('string')).toBe('héllo ✓');
    expect(await cache.get('number')).toBe(42);
    expect(await cache.get('false')).toBe(false);
    expect(await cache.get('null')).toBeNull();
    expect(await cache.get('missing')).toBeUndefined();
    const row = await storage.db
      .selectFrom('cache_entries')
      .selectAll()
      .where('key', '=', 'object')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.value)).toEqual(value);
    expect(row.expires_at).toBeNull();
  });

  it('replaces the value and the expiry of an existing key', async () => {
    await cache.set('k', 'first', 10, T0);
    await cache.set('k', 'second', undefined, T0);
    expect(await cache.get('k', later(3600))).toBe('second');
    await cache.set('k', 'third', 5, T0);
    expect(await cache.get('k', later(4))).toBe('third');
    expect(await cache.get('k', later(5))).toBeUndefined();
    expect(await storage.db.selectFrom('cache_entries').select('key').execute()).toHaveLength(1);
  });

  it('returns nothing once an entry has expired, to the millisecond', async () => {
    await cache.set('short', 'v', 1.5, T0);
    expect(await cache.get('short', later(1.499))).toBe('v');
    expect(await cache.get('short', later(1.5))).toBeUndefined();

    // On the real clock by default: a second's entry is there when read at once, then goes.
    await cache.set('real-clock', 'v', 1);
    expect(await cache.get('real-clock')).toBe('v');
    await waitFor(
      async () => ((await cache.get('real-clock')) === undefined ? true : undefined),
      'the entry to expire',
    );
  });

  it('deletes a key', async () => {
    await cache.set('k', 1);
    expect(await cache.delete('k')).toBe(true);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.delete('k')).toBe(false);
  });

  it('deletes the expired entries, and only those', async () => {
    await cache.set('expired-1', 1, 10, T0);
    await cache.set('expired-2', 2, 60, T0);
    await cache.set('live', 3, 61, T0);
    await cache.set('forever', 4, undefined, T0);

    expect(await cache.deleteExpired(later(60))).toBe(2);
    const keys = await storage.db
      .selectFrom('cache_entries')
      .select('key')
      .orderBy('key')
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['forever', 'live']);
    expect(await cache.deleteExpired(later(60))).toBe(0);
    expect(await cache.deleteExpired(later(1e9))).toBe(1);
    expect(await cache.get('forever', later(1e9))).toBe(4);
  });

  it('refuses values that are not JSON and TTLs that are not positive', async () => {
    await expect(cache.set('u', undefined)).rejects.toThrow(TypeError);
    await expect(cache.set('f', () => 1)).rejects.toThrow(/cannot be stored as JSON/);
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(cache.set('t', 1, ttl)).rejects.toThrow(RangeError);
    }
    expect(await storage.db.selectFrom('cache_entries').select('key').execute()).toEqual([]);
  });
});
