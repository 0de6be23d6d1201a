import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { waitFor } from '../../../../test/support/wait';
import { AuthFailureLimit, clientOf } from './auth-failure-limit';

describe('AuthFailureLimit (real Redis)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('lets a client fail N times, then asks it to wait out the window', async () => {
    const prefix = uniquePrefix('auth-limit');
    const limit = new AuthFailureLimit(redis, prefix, { failures: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) {
      expect(await limit.retryAfter('10.0.0.1')).toBe(0);
      await limit.failed('10.0.0.1');
    }
    const wait = await limit.retryAfter('10.0.0.1');
    expect(wait).toBeGreaterThan(55);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await limit.retryAfter('10.0.0.2')).toBe(0);
    // One key per client, expiring with its window.
    expect(await redis.keys(`${prefix}:*`)).toEqual([`${prefix}:auth-failures:10.0.0.1`]);
    expect(await redis.pttl(`${prefix}:auth-failures:10.0.0.1`)).toBeGreaterThan(55_000);
  });

  it('lets the client try again once the window has passed', async () => {
    const limit = new AuthFailureLimit(redis, uniquePrefix('auth-limit-window'), {
      failures: 1,
      windowSeconds: 1,
    });
    await limit.failed('10.0.0.1');
    expect(await limit.retryAfter('10.0.0.1')).toBe(1);
    await waitFor(
      async () => ((await limit.retryAfter('10.0.0.1')) === 0 ? true : undefined),
      'the window to pass',
      5_000,
    );
  });

  it('counts nothing and refuses nothing when off', async () => {
    const prefix = uniquePrefix('auth-limit-off');
    const limit = new AuthFailureLimit(redis, prefix, null);
    for (let i = 0; i < 5; i++) await limit.failed('10.0.0.1');
    expect(await limit.retryAfter('10.0.0.1')).toBe(0);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });

  it('does not lock anyone out while Redis is out of reach', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const limit = new AuthFailureLimit(down, 'x', { failures: 1, windowSeconds: 60 });
    await limit.failed('10.0.0.1');
    expect(await limit.retryAfter('10.0.0.1')).toBe(0);
    down.disconnect();
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::ffff', '2001:db8:1:2::/64'],
    [undefined, 'unknown'],
    ['not an ip', 'unknown'],
  ])('counts %s as %s', (ip, client) => {
    expect(clientOf(ip)).toBe(client);
  });
});
