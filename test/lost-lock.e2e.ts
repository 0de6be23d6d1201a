import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisConnection } from '@brain/tasks';
import { bullQueueKeys } from '../libs/tasks/src/bullmq/queue-keys';
import { BrainProcess } from './support/brain-process';
import { tasks, waitForState } from './support/client-app';
import { clientSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

const LOST = 'lock lost: run aborted, job left to the worker that holds it';

describe.each(['inline', 'prefork'])('a run that loses its lock (%s pool, real worker)', (pool) => {
  const suite = clientSuite(`lost-lock-${pool}`);
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'brain-lost-lock-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops (its signal aborts), says why, and leaves the job to its holder: it ends once', async () => {
    const { client, results } = tasks(suite.app);
    const redis = suite.app.get(RedisConnection).client;
    // Renewed every second; after the other holder's lock lapses, recovery takes 1.5-3 s.
    const worker = await BrainProcess.worker(suite.prefix, [
      '--pool',
      pool,
      '--concurrency',
      '1',
      '--lock-timeout',
      '3',
    ]);
    try {
      const path = join(dir, `${pool}.ticks`);
      const lines = () => (existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []);
      const sent = await client.applyAsync('tests.ticker', { kwargs: { path, ticks: 20 } });
      const first = await waitFor(
        async () => lines()[0]?.split(' ')[0] || undefined,
        'the first run to tick',
      );

      // Another worker's token in the lock, as when a stalled check handed the job to another
      // worker. It lapses in 10 s (renewal notices it well before, even on a loaded machine);
      // then stalled-job recovery hands the job out again.
      const lockKey = bullQueueKeys(suite.prefix, sent.queue).lock(sent.task_id);
      expect(await redis.set(lockKey, 'another-worker:1', 'PX', 10_000, 'XX')).toBe('OK');

      await worker.waitForOutput(new RegExp(`tests\\.ticker\\[${sent.task_id}\\] ${LOST}`));
      const ownLines = () => lines().filter((l) => l.startsWith(`${first} `));
      await waitFor(
        async () => (ownLines().some((l) => l.includes('aborted')) ? true : undefined),
        'the first run to see its signal abort',
      );
      // Left to the holder: neither completed nor failed from here.
      expect((await results.get(sent.task_id))?.state).toBe('STARTED');

      const record = await waitForState(results, sent.task_id, ['SUCCESS', 'FAILURE'], 30_000);
      expect(record).toMatchObject({ state: 'SUCCESS', attempts: 2, result: { ticks: 20 } });
      expect((record.result as { run: string }).run).not.toBe(first);
      // The first run stopped at the abort: no tick after it, never done.
      const own = ownLines();
      expect(own.at(-1)).toBe(`${first} aborted LockLostError`);
      expect(own.slice(0, -1).every((l) => l === `${first} tick`)).toBe(true);
      expect(own.length).toBeLessThan(20);
      // The record is written before the worker logs the end: wait for the line, then count.
      await worker.waitForOutput(new RegExp(`tests\\.ticker\\[${sent.task_id}\\] succeeded`));
      const ended = worker.log.match(
        new RegExp(`tests\\.ticker\\[${sent.task_id}\\] succeeded`, 'g'),
      );
      expect(ended).toHaveLength(1);
      expect(worker.log).not.toMatch(/Missing lock|Lock mismatch/);
    } finally {
      await worker.stop();
    }
  });
});
