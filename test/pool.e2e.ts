import type { INestApplicationContext } from '@nestjs/common';
import { RevocationService, WorkerDirectory } from '@brain/tasks';
import { BrainProcess } from './support/brain-process';
import { clientApp, tasks, waitForState } from './support/client-app';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

interface WhoAmI {
  pid: number;
  thread: number;
  ping: string;
}

describe.each(['prefork', 'threads'])('the %s pool (real worker process)', (pool) => {
  let app: INestApplicationContext;
  let prefix: string;
  let worker: BrainProcess;

  beforeAll(async () => {
    prefix = uniquePrefix(`pool-${pool}`);
    app = await clientApp(prefix);
    worker = await BrainProcess.worker(prefix, [
      '--pool',
      pool,
      '--concurrency',
      '1',
      '--max-tasks-per-child',
      '3',
    ]);
  });

  afterAll(async () => {
    await worker?.stop();
    await app?.close();
  });

  async function whoami(): Promise<WhoAmI> {
    const { client, results } = tasks(app);
    const sent = await client.applyAsync('tests.whoami');
    return (await waitForState(results, sent.task_id, ['SUCCESS'])).result as WhoAmI;
  }

  it('runs tasks in a child with its own Nest context and injected services', async () => {
    const me = await whoami();
    expect(me.ping).toBe('PONG');
    if (pool === 'prefork') expect(me.pid).not.toBe(worker.child.pid);
    else expect(me).toMatchObject({ pid: worker.child.pid, thread: expect.any(Number) });
    if (pool === 'threads') expect(me.thread).toBeGreaterThan(0);
    const [beat] = await app.get(WorkerDirectory).online();
    expect(beat.pool).toMatchObject({ implementation: pool, 'max-concurrency': 1 });
    expect(beat.pool.processes).toHaveLength(1);
  });

  it('replaces a child after --max-tasks-per-child tasks', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) {
      const me = await whoami();
      ids.push(pool === 'prefork' ? me.pid : me.thread);
    }
    // Three tasks per child: at least three different children served seven tasks.
    expect(new Set(ids).size).toBeGreaterThanOrEqual(3);
  });

  it('fails only the task whose child crashed (WorkerLostError), then goes on', async () => {
    const { client, results } = tasks(app);
    const crash = await client.applyAsync('tests.crash');
    const record = await waitForState(results, crash.task_id, ['FAILURE', 'SUCCESS']);
    expect(record.error).toMatchObject({
      type: 'WorkerLostError',
      message: expect.stringMatching(/exited/),
    });
    expect((await whoami()).ping).toBe('PONG');
    expect(worker.child.exitCode).toBeNull();
  });

  it('kills a task past its hard time limit and serves the next one', async () => {
    const { client, results } = tasks(app);
    const stuck = await client.applyAsync('tests.stubborn', {
      kwargs: { seconds: 60 },
      timeLimit: 0.5,
    });
    const next = await client.applyAsync('tests.add', { args: [40, 2] });
    expect(await waitForState(results, stuck.task_id, ['FAILURE'])).toMatchObject({
      error: { type: 'TimeLimitExceeded' },
    });
    expect((await waitForState(results, next.task_id, ['SUCCESS'])).result).toBe(42);
  });

  it('terminates a task running in another worker process when revoked with terminate', async () => {
    const { client, results } = tasks(app);
    const long = await client.applyAsync('tests.stubborn', { kwargs: { seconds: 60 } });
    await waitForState(results, long.task_id, ['STARTED']);
    // The revocation travels from this process to the worker, which kills the child running it.
    await app.get(RevocationService).revoke(long.task_id, true);
    const record = await waitForState(results, long.task_id, ['REVOKED', 'SUCCESS', 'FAILURE']);
    expect(record).toMatchObject({ state: 'REVOKED', error: { type: 'TaskRevokedError' } });
    await waitFor(
      async () => ((await whoami()).ping === 'PONG' ? true : undefined),
      'the pool to serve again',
    );
  });
});

describe('the prefork pool with --max-memory-per-child (real worker process)', () => {
  it('replaces a child whose resident memory passes the cap, between tasks', async () => {
    const prefix = uniquePrefix('pool-memory');
    const app = await clientApp(prefix);
    // 1 MB: every child is past it after its first task.
    const worker = await BrainProcess.worker(prefix, [
      '--concurrency',
      '1',
      '--max-memory-per-child',
      '1',
    ]);
    try {
      const { client, results } = tasks(app);
      const pids = [];
      for (let i = 0; i < 3; i++) {
        const sent = await client.applyAsync('tests.whoami');
        pids.push(((await waitForState(results, sent.task_id, ['SUCCESS'])).result as WhoAmI).pid);
      }
      expect(new Set(pids).size).toBe(3);
      await worker.waitForOutput(/replaced after \d+ MB resident/);
    } finally {
      await worker.stop();
      await app.close();
    }
  });
});

describe.each(['prefork', 'threads'])(
  'no task waits behind a long one in the %s pool (real worker processes)',
  (pool) => {
    it('leaves a task queued behind a long one to another worker, which runs it', async () => {
      const prefix = uniquePrefix(`pool-behind-${pool}`);
      const app = await clientApp(prefix);
      const { client, results } = tasks(app);
      // Both wait before any worker runs: the first worker takes both at once (prefetch 4), and
      // gives the short one back once the long one has run for a moment.
      // Long enough to outlast the second worker's start on a loaded machine.
      const long = await client.applyAsync('tests.sleep', { kwargs: { seconds: 60 } });
      const short = await client.applyAsync('tests.add', { args: [1, 2] });
      const args = ['--pool', pool, '--concurrency', '1'];
      const busy = await BrainProcess.worker(prefix, [...args, '--hostname', 'busy']);
      let idle: BrainProcess | undefined;
      try {
        await waitForState(results, long.task_id, ['STARTED']);
        idle = await BrainProcess.worker(prefix, [...args, '--hostname', 'idle']);
        const done = await waitForState(results, short.task_id, ['SUCCESS']);
        expect(done).toMatchObject({ result: 3, worker: 'idle', attempts: 1 });
        // It did not wait for the long task to end.
        expect((await results.get(long.task_id))?.state).toBe('STARTED');
        await busy.waitForOutput(
          new RegExp(`tests\\.add\\[${short.task_id}\\] released unstarted`),
        );
      } finally {
        // The long task would hold a graceful stop for its whole minute.
        await Promise.all([busy.stop('SIGKILL'), idle?.stop()]);
        await app.close();
      }
    });
  },
);

describe('a prefork child that crashes with tasks in reserve (real worker process)', () => {
  it('fails only the task it was running; those it held unstarted run elsewhere, attempts untouched', async () => {
    const prefix = uniquePrefix('pool-crash-reserved');
    const app = await clientApp(prefix);
    const { client, results } = tasks(app);
    // Queued before the worker starts: its one child takes both at once (prefetch 4).
    const crash = await client.applyAsync('tests.crash');
    const add = await client.applyAsync('tests.add', { args: [1, 2] });
    const worker = await BrainProcess.worker(prefix, ['--pool', 'prefork', '--concurrency', '1']);
    try {
      expect(await waitForState(results, crash.task_id, ['FAILURE', 'SUCCESS'])).toMatchObject({
        error: { type: 'WorkerLostError' },
      });
      expect(await waitForState(results, add.task_id, ['SUCCESS', 'FAILURE'])).toMatchObject({
        state: 'SUCCESS',
        result: 3,
        attempts: 1,
      });
      await worker.waitForOutput(
        new RegExp(`tests\\.add\\[${add.task_id}\\] given back unstarted by child`),
      );
    } finally {
      await worker.stop();
      await app.close();
    }
  });
});
