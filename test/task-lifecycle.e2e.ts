import { QueueRegistry, RevocationService, type TaskRecord, type TaskState } from '@brain/tasks';
import { FAILED_AFTER_TWO_RETRIES, tasks, waitForState } from './support/client-app';
import { workerSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

describe.each(['inline', 'prefork', 'threads'])(
  'task lifecycle on a real worker process, %s pool',
  (pool) => {
    const suite = workerSuite(`lifecycle-${pool}`, ['--concurrency', '2', '--pool', pool]);

    /** Waits for the task to finish; answers its record and the states of its timeline. */
    async function watchStates(taskId: string): Promise<{ seen: TaskState[]; record: TaskRecord }> {
      const { results } = tasks(suite.app);
      const record = await waitForState(results, taskId, ['SUCCESS', 'FAILURE', 'REVOKED'], 30_000);
      return { seen: (await results.events(taskId)).map((e) => e.state), record };
    }

    it('goes PENDING -> STARTED -> SUCCESS with the record a client reads', async () => {
      const { client } = tasks(suite.app);
      const sent = await client.applyAsync('tests.sleep', { kwargs: { seconds: 0.3 } });
      expect(sent).toEqual({
        task_id: sent.task_id,
        task_name: 'tests.sleep',
        status: 'PENDING',
        queue: 'default',
      });
      const { seen, record } = await watchStates(sent.task_id);
      expect(seen).toEqual(['PENDING', 'STARTED', 'SUCCESS']);
      expect(record).toMatchObject({
        result: { slept: 0.3 },
        retries: 0,
        kwargs: { seconds: 0.3 },
        error: null,
      });
      expect(record.worker).toMatch(/^worker-\d+@/);
      expect(Date.parse(record.date_done!)).toBeGreaterThanOrEqual(
        Date.parse(record.date_started!),
      );
    });

    it('keeps a countdown task in Redis as scheduled, and runs it no earlier than its eta', async () => {
      const { client, results } = tasks(suite.app);
      // Long enough to be still waiting when read just after, on a loaded machine.
      const sent = await client.applyAsync('tests.add', { args: [2, 3], countdown: 3 });
      const queue = suite.app.get(QueueRegistry).get('default');
      expect(await queue.getJobState(sent.task_id)).toBe('delayed');
      const pending = await results.get(sent.task_id);
      expect(pending?.state).toBe('PENDING');
      const record = await waitForState(results, sent.task_id, ['SUCCESS']);
      expect(record.result).toBe(5);
      expect(Date.parse(record.date_started!)).toBeGreaterThanOrEqual(Date.parse(pending!.eta!));
    });

    it('retries test_retry_task with 1 s, 2 s backoff, RETRY in between, then FAILURE', async () => {
      const { client } = tasks(suite.app);
      const sent = await client.applyAsync('backend.app.tasks.system_tasks.test_retry_task', {
        kwargs: { max_retries: 2 },
        queue: 'default',
      });
      const { seen, record } = await watchStates(sent.task_id);
      expect(seen).toEqual(FAILED_AFTER_TWO_RETRIES);
      expect(record.retries).toBe(2);
      expect(record.error).toMatchObject({
        type: 'TestRetryError',
        message: 'attempt 3 failed on purpose',
      });
      expect(record.error?.traceback).toContain('TestRetryError');
      // Three runs separated by at least 1 s and 2 s: the whole span is at least 3 s.
      expect(
        Date.parse(record.date_done!) - Date.parse(record.date_received),
      ).toBeGreaterThanOrEqual(3000);
    });

    it('autoretries only the declared error types, with capped exponential backoff', async () => {
      const { client } = tasks(suite.app);
      const flaky = await client.applyAsync('tests.flaky', { kwargs: { fail_times: 3 } });
      const typeError = await client.applyAsync('tests.type_error');
      const flakyDone = await watchStates(flaky.task_id);
      expect(flakyDone.record).toMatchObject({
        state: 'SUCCESS',
        retries: 3,
        result: { retries: 3 },
      });
      expect(flakyDone.seen).toContain('RETRY');
      // backoff 0.2, 0.4, then capped at 0.4: at least 1 s in all.
      expect(
        Date.parse(flakyDone.record.date_done!) - Date.parse(flakyDone.record.date_received),
      ).toBeGreaterThanOrEqual(1000);
      const typeErrorDone = await watchStates(typeError.task_id);
      expect(typeErrorDone.seen).not.toContain('RETRY');
      expect(typeErrorDone.record).toMatchObject({
        state: 'FAILURE',
        retries: 0,
        error: { type: 'TypeError' },
      });
    });

    it('gives up after max_retries with default_retry_delay, and a sender can raise max_retries', async () => {
      const { client } = tasks(suite.app);
      const declared = await client.applyAsync('tests.always_fails');
      const raised = await client.applyAsync('tests.always_fails', { maxRetries: 4 });
      expect((await watchStates(declared.task_id)).record).toMatchObject({
        state: 'FAILURE',
        retries: 2,
      });
      expect((await watchStates(raised.task_id)).record).toMatchObject({
        state: 'FAILURE',
        retries: 4,
      });
    });

    it('never runs a task revoked while it waits, and reads REVOKED', async () => {
      const { client, results } = tasks(suite.app);
      const delayed = await client.applyAsync('tests.add', { args: [1, 1], countdown: 2 });
      const revoker = suite.app.get(RevocationService);
      expect(await revoker.revoke(delayed.task_id)).toMatchObject({
        previous_state: 'PENDING',
        state: 'REVOKED',
      });
      // A task due at the same moment, sent after it, runs: by then the revoked one was due too.
      const sentinel = await client.applyAsync('tests.add', { args: [2, 2], countdown: 2 });
      await waitForState(results, sentinel.task_id, ['SUCCESS']);
      const record = await results.get(delayed.task_id);
      expect(record).toMatchObject({ state: 'REVOKED', date_started: null, result: null });
      expect(
        await suite.app.get(QueueRegistry).get('default').getJob(delayed.task_id),
      ).toBeUndefined();
    });

    it('sends link with the result, and link_error with the request and error', async () => {
      const { client, results } = tasks(suite.app);
      const ok = await client.applyAsync('tests.add', {
        args: [20, 1],
        link: { name: 'tests.add', args: [21] },
      });
      const bad = await client.applyAsync('tests.type_error', {
        linkError: { name: 'tests.record_error' },
      });
      await waitForState(results, ok.task_id, ['SUCCESS']);
      await waitForState(results, bad.task_id, ['FAILURE']);
      const children = await waitFor(async () => {
        const ids = await results.recentIds(50);
        const records = (await Promise.all(ids.map((id) => results.get(id)))).filter(
          (r) => r?.parent_id,
        );
        return records.length >= 2 && records.every((r) => r?.state === 'SUCCESS')
          ? records
          : undefined;
      }, 'callbacks to finish');
      const linked = children.find((r) => r?.parent_id === ok.task_id);
      const errback = children.find((r) => r?.parent_id === bad.task_id);
      expect(linked).toMatchObject({ task_name: 'tests.add', args: [21, 21], result: 42 });
      expect(errback?.result).toMatchObject({
        request: { id: bad.task_id, task: 'tests.type_error' },
        exc: { type: 'TypeError', message: 'not retried: not a FlakyError' },
        has_traceback: true,
      });
    });

    it('lets a task catch its soft time limit and clean up', async () => {
      const { client, results } = tasks(suite.app);
      const sent = await client.applyAsync('tests.soft_limited', { kwargs: { seconds: 10 } });
      const record = await waitForState(results, sent.task_id, ['SUCCESS', 'FAILURE']);
      expect(record).toMatchObject({
        state: 'SUCCESS',
        result: { cleaned_up: true, reason: 'SoftTimeLimitExceeded' },
      });
    });

    it('revokes instead of running a task whose expires passed while it waited', async () => {
      const { client, results } = tasks(suite.app);
      const sent = await client.applyAsync('tests.add', {
        args: [1, 1],
        countdown: 1.2,
        expires: 0.5,
      });
      const record = await waitForState(results, sent.task_id, ['REVOKED', 'SUCCESS']);
      expect(record).toMatchObject({ state: 'REVOKED', date_started: null, result: null });
      expect(record.error).toMatchObject({
        type: 'TaskRevokedError',
        message: expect.stringMatching(/expired/),
      });
    });

    it('stops a task past its hard time limit and reports TimeLimitExceeded', async () => {
      const { client, results } = tasks(suite.app);
      const sent = await client.applyAsync('tests.stubborn', {
        kwargs: { seconds: 5 },
        timeLimit: 0.3,
      });
      // Its end tells: FAILURE at the limit, or SUCCESS after its 5 s had it not been stopped.
      const record = await waitForState(results, sent.task_id, ['FAILURE', 'SUCCESS']);
      expect(record).toMatchObject({ state: 'FAILURE', error: { type: 'TimeLimitExceeded' } });
    });

    it('stops a running task revoked with terminate, and reads REVOKED', async () => {
      const { client, results } = tasks(suite.app);
      const sent = await client.applyAsync('tests.sleep', { kwargs: { seconds: 30 } });
      await waitForState(results, sent.task_id, ['STARTED']);
      const outcome = await suite.app.get(RevocationService).revoke(sent.task_id, true);
      expect(outcome).toMatchObject({ previous_state: 'STARTED', terminate: true });
      const record = await waitForState(results, sent.task_id, ['REVOKED', 'SUCCESS', 'FAILURE']);
      expect(record).toMatchObject({ state: 'REVOKED', error: { type: 'TaskRevokedError' } });
      expect(record.date_started).not.toBeNull();
    });

    it('fails, not crashes, a task whose result cannot be stored', async () => {
      const { client, results } = tasks(suite.app);
      const sent = await client.applyAsync('tests.circular');
      const record = await waitForState(results, sent.task_id, ['FAILURE', 'SUCCESS']);
      expect(record).toMatchObject({ state: 'FAILURE', result: null });
      expect(record.error?.message).toMatch(/circular/i);
      expect(suite.worker.child.exitCode).toBeNull();
    });
  },
);
