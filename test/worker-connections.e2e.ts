import { Redis } from 'ioredis';
import { freePort } from './support/api-process';
import { runBrain } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { PrivateRedis } from './support/private-redis';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const PARTITIONS = 3;
const CHILDREN = 2;

/** The connections to the server, by client name (CLIENT LIST), the probe's own left out. */
async function connectionsByName(probe: Redis): Promise<Map<string, number>> {
  const own = await probe.client('ID');
  const list = (await probe.client('LIST')) as string;
  const byName = new Map<string, number>();
  for (const line of list.trim().split('\n')) {
    if (/\bid=(\d+)/.exec(line)?.[1] === String(own)) continue;
    const name = /\bname=(\S*)/.exec(line)?.[1] || '(unnamed)';
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  return byName;
}

describe('a worker holds a few connections to Redis, whatever the queues and partitions (private Redis)', () => {
  let redis: PrivateRedis;
  let probe: Redis;
  let worker: BrainProcess;
  let prefix: string;
  const env = (): Record<string, string> => ({
    REDIS_URL: redis.url,
    REDIS_PARTITIONS: String(PARTITIONS),
  });

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    probe = redis.client();
    prefix = uniquePrefix('connections');
    worker = await BrainProcess.worker(
      prefix,
      ['--pool', 'prefork', '--concurrency', String(CHILDREN)],
      false,
      env(),
    );
  });

  afterAll(async () => {
    await worker?.stop();
    probe?.disconnect();
    await redis?.stop();
  });

  it('a prefork worker with 2 children on 3 partitions: two BullMQ connections per process, none idle per queue', async () => {
    // Every partition's tasks run: each child has opened its lanes, and sent what tasks send.
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const r = await runBrain(
        prefix,
        ['tasks', 'execute', 'tests.add', '--args', '[1, 2]', '--partition-key', key, '--wait'],
        env(),
      );
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toMatch(/SUCCESS/);
    }
    const fetchers = CHILDREN;
    // Each child waits for work and watches higher queues on a connection per partition.
    const byName = await waitFor(async () => {
      const names = await connectionsByName(probe);
      const waits = [...names].filter(([name]) => name.startsWith('brain:dispatcher-wait'));
      return waits.reduce((n, [, count]) => n + count, 0) === fetchers * PARTITIONS
        ? names
        : undefined;
    }, 'every child to wait on every partition');
    const processes = 1 + CHILDREN;
    const shown = JSON.stringify(Object.fromEntries(byName));
    const total = [...byName.values()].reduce((a, b) => a + b, 0);
    // BullMQ: per process one client shared by every queue and partition, and one by every
    // worker fetched through; no blocking connection per queue (its name would hold `:w:`).
    expect({
      bull: byName.get('brain:bull'),
      fetch: byName.get('brain:bull-fetch'),
      shown,
    }).toEqual({ bull: processes, fetch: processes, shown });
    expect([...byName.keys()].filter((name) => name.includes(':w:'))).toEqual([]);
    // Per process: the shared command client and BullMQ's two; per child and partition: the wait
    // and the watch; the supervisor's control channel.
    const max = processes * 3 + fetchers * PARTITIONS * 2 + 1;
    // A failure prints the breakdown.
    expect({ withinBound: total <= max, total, max, shown }).toMatchObject({ withinBound: true });
  });
});
