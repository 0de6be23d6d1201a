import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis';

describe('startEmbeddedRedis', () => {
  let root: string;
  const started: EmbeddedRedis[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'brain-embedded-redis-'));
  });

  afterAll(async () => {
    await Promise.all(started.map((redis) => redis.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  async function start(name: string): Promise<EmbeddedRedis> {
    const redis = await startEmbeddedRedis({ dir: join(root, name) });
    started.push(redis);
    return redis;
  }

  it('serves a private Redis with its data under dir, until stopped', async () => {
    const redis = await start('one');
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);

    const client = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    expect(existsSync(join(root, 'one', 'appendonlydir'))).toBe(true);
    client.disconnect();

    await redis.stop();
    await redis.stop(); // idempotent
    const after = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    after.on('error', () => undefined);
    await expect(after.connect()).rejects.toThrow();
    expect(after.status).toBe('end'); // refused and not retried: nothing left to close
  });

  it('runs several servers side by side on different ports', async () => {
    const [a, b] = await Promise.all([start('a'), start('b')]);
    expect(a.port).not.toBe(b.port);
  });

  async function withPath<T>(path: string, run: () => Promise<T>): Promise<T> {
    const saved = process.env.PATH;
    process.env.PATH = path;
    try {
      return await run();
    } finally {
      process.env.PATH = saved;
    }
  }

  it('says how to get Redis when redis-server is missing', async () => {
    await withPath(join(root, 'empty'), () =>
      expect(startEmbeddedRedis({ dir: join(root, 'none') })).rejects.toThrow(
        /redis-server was not found.*apt-get install -y redis-server.*REDIS_URL/s,
      ),
    );
  });

  it("reports redis-server's output when it dies before answering", async () => {
    const bin = join(root, 'fake-bin');
    mkdirSync(bin);
    const script = '#!/bin/sh\necho "FATAL CONFIG FILE ERROR" >&2\nexit 1\n';
    writeFileSync(join(bin, 'redis-server'), script, { mode: 0o755 });
    await withPath(bin, () =>
      expect(startEmbeddedRedis({ dir: join(root, 'dies') })).rejects.toThrow(
        /exited \(code 1\) before it was ready:\nFATAL CONFIG FILE ERROR/,
      ),
    );
  });
});
