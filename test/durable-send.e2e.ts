import { join } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import { bullQueueKeys } from '../libs/tasks/src/bullmq/queue-keys';
import { ApiProcess } from './support/api-process';
import { expectOneLineError, runBrain } from './support/brain-cli';
import { BrainProcess, FIXTURE_TASKS } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import type { PrivateRedis } from './support/private-redis';
import { RedisCluster } from './support/topology/redis-cluster';
import { ReplicatedRedis } from './support/topology/replicated-redis';
import { waitFor } from './support/wait';

const ACK_TIMEOUT_MS = 500;
const PERIODIC_TASKS = join(__dirname, 'fixtures', 'periodic-tasks.js');
const INCLUDES = `${FIXTURE_TASKS},${PERIODIC_TASKS}`;

/** A sent task's job hash as `node` holds it (a Cluster replica is asked in READONLY mode). */
async function jobHash(node: PrivateRedis, keyPrefix: string, sent: Sent, replica = false) {
  const client = node.client();
  try {
    if (replica) await client.readonly();
    return await client.hgetall(bullQueueKeys(keyPrefix, sent.queue).job(sent.task_id));
  } finally {
    client.disconnect();
  }
}

/** Every job hash on `node` under `keyPrefix` whose arguments are `args` (JSON, no spaces). */
async function jobKeysWithArgs(node: PrivateRedis, keyPrefix: string, args: string) {
  const client = node.client();
  try {
    const found: string[] = [];
    for (const key of await client.keys(`${keyPrefix}:*`)) {
      if ((await client.type(key)) !== 'hash') continue;
      const data = await client.hget(key, 'data');
      if (data?.includes(`"args":${args}`)) found.push(key);
    }
    return found;
  } finally {
    client.disconnect();
  }
}

interface Sent {
  task_id: string;
  queue: string;
}

describe('durable sending, REDIS_MIN_REPLICAS_ACK (real master + replica, API, CLI, worker)', () => {
  const prefix = uniquePrefix('durable-send');
  let redis: ReplicatedRedis;
  let api: ApiProcess;
  let worker: BrainProcess;
  let database: DatabaseConfig;
  const durable = () => ({
    REDIS_URL: redis.url,
    REDIS_MIN_REPLICAS_ACK: '1',
    REDIS_REPLICAS_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
  });

  beforeAll(async () => {
    redis = await ReplicatedRedis.start(1);
    database = await testSqliteConfig('durable-send');
    worker = new BrainProcess(
      ['worker', 'start', '--include', INCLUDES, '--concurrency', '2'],
      prefix,
      durable(),
    );
    [api] = await Promise.all([
      ApiProcess.start(prefix, database, { ...durable(), BRAIN_INCLUDE: INCLUDES }),
      worker.ready(/ready: queues/),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await redis?.stop();
    if (database) await dropTestDatabase(database);
  });

  const jobOn = (node: 'master' | 'replica', sent: Sent) =>
    jobHash(node === 'master' ? redis.master : redis.replicas[0], prefix, sent);
  const stateOf = async (id: string) =>
    ((await api.as().get(`/api/tasks/${id}`)).body as { status?: string }).status;

  it('acknowledges a send once the replica holds it, and the task runs at once', async () => {
    const res = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: 'tests.add', args: [2, 3] });
    expect(res.status).toBe(201);
    const sent = res.body as Sent;
    // Read right after the answer: WAIT confirmed the replica had it before the id was returned.
    expect(await jobOn('replica', sent)).toMatchObject({ name: 'tests.add' });
    // Released as soon as confirmed (not held back for the 30 s that guard the wait).
    await waitFor(
      async () => ((await stateOf(sent.task_id)) === 'SUCCESS' ? true : undefined),
      'the durable send to run',
      10_000,
    );
  });

  it('keeps the countdown of a durable send', async () => {
    const before = Date.now();
    const res = await api
      .as()
      .post('/api/tasks/execute')
      .send({ task_name: 'tests.add', args: [1, 1], countdown: 1 });
    expect(res.status).toBe(201);
    const id = (res.body as Sent).task_id;
    const done = await waitFor(async () => {
      const body = (await api.as().get(`/api/tasks/${id}`)).body as {
        status?: string;
        date_done?: string;
      };
      return body.status === 'SUCCESS' ? body : undefined;
    }, 'the countdown task to run');
    expect(Date.parse(done.date_done!) - before).toBeGreaterThanOrEqual(1000);
    expect(Date.parse(done.date_done!) - before).toBeLessThan(10_000);
  });

  it('retries of a worker in durable mode wait for the replica and carry on', async () => {
    const res = await api.as().post('/api/tasks/execute').send({ task_name: 'tests.always_fails' });
    const id = (res.body as Sent).task_id;
    await waitFor(
      async () => ((await stateOf(id)) === 'FAILURE' ? true : undefined),
      'the retried task to fail for good',
    );
    const body = (await api.as().get(`/api/tasks/${id}`)).body as { retries?: number };
    expect(body.retries).toBe(2);
  });

  it('beat ticks go on in durable mode, each next run confirmed by the replica', async () => {
    const beat = new BrainProcess(
      ['beat', 'start', '--include', PERIODIC_TASKS],
      prefix,
      durable(),
    );
    try {
      await beat.ready(/schedule\(s\) registered/);
      await waitFor(async () => {
        const res = await api.as().get('/api/tasks?task_name=tests.periodic.tick&limit=10');
        const done = (res.body as { tasks: { status: string }[] }).tasks.filter(
          (t) => t.status === 'SUCCESS',
        );
        return done.length >= 2 ? true : undefined;
      }, 'two periodic runs');
    } finally {
      // `beat stop` removes the schedules: nothing fires in the tests below.
      expect(await new BrainProcess(['beat', 'stop'], prefix, durable()).exit()).toBe(0);
      await beat.exit();
    }
    expect(`${beat.log}${worker.log}`).not.toMatch(/Redis replica/);
  });

  describe('with the replica gone', () => {
    beforeAll(async () => {
      await redis.replicas[0].stop();
      await redis.waitForReplicas(0);
    });

    it('the API answers 503 within the timeout and no task is left to run', async () => {
      const started = Date.now();
      const res = await api
        .as()
        .post('/api/tasks/execute')
        .send({ task_name: 'tests.add', args: [4242, 1] });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        statusCode: 503,
        message: expect.stringMatching(/0 of 1 Redis replica\(s\) confirmed within 500 ms/),
      });
      expect(res.body).not.toHaveProperty('task_id');
      expect(elapsed).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS);
      expect(elapsed).toBeLessThan(2_000);
      // The job was taken back before the answer: nothing on the master can run it later.
      expect(await jobsWithArgs('[4242,1]')).toEqual([]);
    });

    it('the CLI exits 1 with one line; with REDIS_MIN_REPLICAS_ACK=0 it sends as before', async () => {
      const refused = await runBrain(
        prefix,
        ['tasks', 'execute', 'tests.add', '--args', '[4343, 1]'],
        durable(),
      );
      expectOneLineError(refused, 1, /^brain: send of tests\.add\[.+\]: 0 of 1 Redis replica/);
      expect(await jobsWithArgs('[4343,1]')).toEqual([]);

      const plain = await runBrain(prefix, ['tasks', 'execute', 'tests.add', '--args', '[40, 2]'], {
        ...durable(),
        REDIS_MIN_REPLICAS_ACK: '0',
      });
      expect({ code: plain.code, stderr: plain.stderr }).toEqual({ code: 0, stderr: '' });
      const id = plain.stdout.trim();
      await waitFor(
        async () => ((await stateOf(id)) === 'SUCCESS' ? true : undefined),
        'the plain send to run',
      );
    });

    it('a worker retrying logs the shortfall and carries on', async () => {
      const plain = await runBrain(prefix, ['tasks', 'execute', 'tests.always_fails'], {
        ...durable(),
        REDIS_MIN_REPLICAS_ACK: '0',
      });
      const id = plain.stdout.trim();
      await waitFor(
        async () => ((await stateOf(id)) === 'FAILURE' ? true : undefined),
        'the retried task to fail for good',
      );
      expect(worker.log).toMatch(
        new RegExp(`retry 1 of tests\\.always_fails\\[${id}\\]: 0 of 1 Redis replica`),
      );
    });
  });

  const jobsWithArgs = (args: string) => jobKeysWithArgs(redis.master, prefix, args);
});

describe('durable sending on a Redis Cluster (real 3 masters + 3 replicas, API)', () => {
  const prefix = uniquePrefix('durable-cluster');
  /** Every key of the engine sits under this hash tag on a Cluster. */
  const tagged = `{${prefix}}`;
  let cluster: RedisCluster;
  let api: ApiProcess;
  let database: DatabaseConfig;
  /** The master of the engine's slot, and its replica. */
  let master: PrivateRedis;
  let replica: PrivateRedis;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    database = await testSqliteConfig('durable-cluster');
    api = await ApiProcess.start(prefix, database, {
      REDIS_URL: cluster.url,
      REDIS_MIN_REPLICAS_ACK: '1',
      REDIS_REPLICAS_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
      BRAIN_INCLUDE: FIXTURE_TASKS,
    });
    const owner = (await cluster.masters())[await cluster.masterIndexOf(tagged)];
    [master, replica] = [owner.node, owner.replicas[0]];
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
    if (database) await dropTestDatabase(database);
  });

  const send = (args: number[]) =>
    api.as().post('/api/tasks/execute').send({ task_name: 'tests.add', args });

  it("acknowledges a send once the replica of the engine's slot holds it", async () => {
    const res = await send([2, 3]);
    expect(res.status).toBe(201);
    // Read right after the answer: WAIT ran on the connection that wrote the job.
    expect(await jobHash(replica, tagged, res.body as Sent, true)).toMatchObject({
      name: 'tests.add',
    });
  });

  it('answers 503 and leaves nothing to run when that replica is gone', async () => {
    await replica.stop();
    await waitFor(
      async () => ((await send([4242, 1])).status === 503 ? true : undefined),
      'the master to notice its replica is gone',
      30_000,
      200,
    );
    const res = await send([4444, 1]);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      message: expect.stringMatching(/0 of 1 Redis replica\(s\) confirmed within 500 ms/),
    });
    expect(await jobKeysWithArgs(master, tagged, '[4444,1]')).toEqual([]);
  });
});
