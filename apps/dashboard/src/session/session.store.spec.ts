import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { SESSION_TTL_SECONDS, SessionStore } from './session.store';

describe('SessionStore (real Redis)', () => {
  let redis: Redis;
  let prefix: string;

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  beforeEach(() => {
    prefix = uniquePrefix('sessions');
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('opens a session under an opaque random id, and finds it again', async () => {
    const store = new SessionStore(redis, prefix);
    const a = await store.create('key-1');
    const b = await store.create('key-1');
    expect(a.id).toMatch(/^[\w-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(await store.get(a.id)).toEqual({
      keyId: 'key-1',
      csrfToken: a.session.csrfToken,
      createdAt: expect.any(String),
      expiresAt: a.session.expiresAt,
    });
  });

  it('keeps only a hash of the id in Redis, expiring with the session', async () => {
    const store = new SessionStore(redis, prefix);
    const { id } = await store.create('key-1');
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}:dashboard:session:[0-9a-f]{64}$`));
    expect(keys[0]).not.toContain(id);
    expect(await redis.get(keys[0])).not.toContain(id);
    const ttl = await store.ttl(id);
    expect(ttl).toBeGreaterThan(SESSION_TTL_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(SESSION_TTL_SECONDS);
  });

  it('ends the session when its API key expires, if that comes first', async () => {
    const store = new SessionStore(redis, prefix);
    const keyExpires = new Date(Date.now() + 90_000);
    const { id, session } = await store.create('key-1', keyExpires);
    expect(session.expiresAt).toBe(keyExpires.toISOString());
    expect(await store.ttl(id)).toBeLessThanOrEqual(90);
    await expect(store.create('key-1', new Date(Date.now() - 1000))).rejects.toThrow(/expired/);
  });

  it('does not answer for a session past its end, whatever Redis still holds', async () => {
    let now = Date.now();
    const store = new SessionStore(redis, prefix, () => now);
    const { id } = await store.create('key-1');
    now += SESSION_TTL_SECONDS * 1000 + 1;
    expect(await store.get(id)).toBeUndefined();
  });

  it('forgets a session on logout, and knows nothing of made-up or damaged ids', async () => {
    const store = new SessionStore(redis, prefix);
    const { id } = await store.create('key-1');
    expect(await store.destroy(id)).toBe(true);
    expect(await store.get(id)).toBeUndefined();
    expect(await store.destroy(id)).toBe(false);
    expect(await store.get(undefined)).toBeUndefined();
    expect(await store.get('x'.repeat(500))).toBeUndefined();
    const other = await store.create('key-2');
    const [key] = await redis.keys(`${prefix}:*`);
    await redis.set(key, '{not json', 'KEEPTTL');
    expect(await store.get(other.id)).toBeUndefined();
  });
});
