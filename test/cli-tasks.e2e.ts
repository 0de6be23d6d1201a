import { Inspector, ResultStore, type TaskDetail, type TaskStatus } from '@brain/tasks';
import { brainJson, expectOneLineError, expectUsageErrors, runBrain } from './support/brain-cli';
import { FAILED_AFTER_TWO_RETRIES, waitForState } from './support/client-app';
import { waitFor } from './support/wait';
import { workerSuite } from './support/worker-suite';

const HOST = 'cli-tasks-worker';

describe('brain tasks (real worker, real CLI processes)', () => {
  const suite = workerSuite('cli-tasks', ['--concurrency', '2', '--hostname', HOST]);
  const brain = (...args: string[]) => runBrain(suite.prefix, args);
  const results = () => suite.app.get(ResultStore);

  it('execute prints the task id alone, and the task runs', async () => {
    const r = await brain('tasks', 'execute', 'tests.add', '--args', '[2, 3]');
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await waitForState(results(), id, ['SUCCESS'])).toMatchObject({ result: 5 });
  });

  it('execute --wait prints id, state and result of a real task; --json the API’s shape', async () => {
    const r = await brain('tasks', 'execute', 'tests.add', '--args', '[20, 22]', '--wait');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const [id, ...fields] = r.stdout.trim().split('\n');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fields).toEqual([
      'state    SUCCESS',
      expect.stringMatching(/^runtime {2}\d+\.\d{3}s$/),
      'result   42',
    ]);

    const json = await brainJson<TaskStatus>(suite.prefix, [
      'tasks',
      'execute',
      'tests.add',
      '--kwargs',
      '{"x": 1, "y": 1}',
      '--priority',
      '9',
      '--wait',
      '--timeout',
      '30',
    ]);
    expect(json).toMatchObject({
      status: 'SUCCESS',
      ready: true,
      successful: true,
      result: 2,
      task_name: 'tests.add',
      worker: HOST,
    });
  });

  it('execute --wait exits 1 for a task that fails, naming the error on stderr', async () => {
    const r = await brain('tasks', 'execute', 'tests.always_fails', '--wait');
    expect(r.code).toBe(1);
    const [id, state] = r.stdout.trim().split('\n');
    expect(state).toBe('state    FAILURE');
    expect(r.stderr.trim()).toMatch(
      new RegExp(`^brain: task ${id} ended FAILURE: \\w+: fails every time$`),
    );
  });

  it('execute --wait --timeout gives up with exit 1 while the task still runs', async () => {
    const r = await brain(
      'tasks',
      'execute',
      'tests.sleep',
      '--kwargs',
      '{"seconds": 30}',
      '--wait',
      '--timeout',
      '1',
    );
    expect(r.code).toBe(1);
    const id = r.stdout.trim();
    expect(r.stderr.trim()).toMatch(
      new RegExp(`^brain: task ${id} not done after 1s \\(still (PENDING|STARTED)\\)$`),
    );
    await brain('tasks', 'cancel', id, '--terminate');
  });

  it('execute --time-limit and --soft-time-limit reach the task, as the API’s time limits do', async () => {
    for (const [flag, error] of [
      ['--time-limit', 'TimeLimitExceeded'],
      ['--soft-time-limit', 'SoftTimeLimitExceeded'],
    ]) {
      const r = await brain(
        'tasks',
        'execute',
        'tests.sleep',
        '--kwargs',
        '{"seconds": 30}',
        flag,
        '1',
        '--wait',
        '--timeout',
        '20',
      );
      const [id, state] = r.stdout.trim().split('\n');
      expect({ code: r.code, state }).toEqual({ code: 1, state: 'state    FAILURE' });
      expect(r.stderr.trim()).toMatch(new RegExp(`^brain: task ${id} ended FAILURE: ${error}: `));
    }
  });

  it('execute --wait says, exit 1, when the task goes away unfinished (its queue purged)', async () => {
    const waiting = brain(
      'tasks',
      'execute',
      'tests.add',
      '--args',
      '[7, 7]',
      '--countdown',
      '300',
      '--wait',
    );
    const inspector = suite.app.get(Inspector);
    const id = await waitFor(
      async () => (await inspector.scheduled()).find((t) => t.task_name === 'tests.add')?.task_id,
      'the task to wait for its countdown',
    );
    await inspector.purgeQueue('default');
    const r = await waiting;
    expect({ code: r.code, stdout: r.stdout.trim() }).toEqual({ code: 1, stdout: id });
    expect(r.stderr.trim()).toBe(`brain: task ${id} is gone (its queue was purged?)`);
  });

  it('refuses bad execute input as the API does: exit 2, one line naming the option', async () => {
    await expectUsageErrors(
      (args) => brain('tasks', 'execute', ...args),
      [
        [
          ['tests.nope'],
          /^brain: Unknown task "tests\.nope" \(brain tasks registered lists them\)$/,
        ],
        [['tests.add', '--priority', '12'], /^brain: --priority must not be greater than 9$/],
        [['tests.add', '--priority', '2.5'], /^brain: --priority must be an integer number$/],
        [['tests.add', '--priority', 'high'], /^brain: --priority must be a number$/],
        [['tests.add', '--args', '[1,'], /^brain: --args is not valid JSON/],
        [['tests.add', '--args', '{"x": 1}'], /^brain: --args must be an array$/],
        [['tests.add', '--kwargs', '[1]'], /^brain: --kwargs must be an object$/],
        [['tests.add', '--args', '[1, 2, 3]'], /^brain: --args: tests\.add takes 2 positional/],
        [
          ['tests.add', '--kwargs', '{"z": 1}'],
          /^brain: --kwargs: .*unexpected keyword argument "z"/,
        ],
        [
          ['tests.add', '--queue', 'bogus'],
          /^brain: --queue must be one of the following values: /,
        ],
        [['tests.add', '--countdown', '-1'], /^brain: --countdown must not be less than 0$/],
        [['tests.add', '--eta', 'tomorrow'], /^brain: --eta must be a valid ISO 8601 date string$/],
        [['tests.add', '--time-limit', '0'], /^brain: --time-limit must be a positive number$/],
        [
          ['tests.add', '--soft-time-limit', '700000'],
          /^brain: --soft-time-limit must not be greater than 604800$/,
        ],
        [['tests.add', '--timeout', '5'], /^brain: --timeout needs --wait$/],
        [
          ['tests.add', '--wait', '--timeout', '0'],
          /^brain: --timeout must be a number of seconds > 0$/,
        ],
        [['tests.add', '--bogus'], /^brain: unknown option '--bogus'$/],
        [[], /^brain: missing required argument 'name'$/],
        [['tests.add', 'extra'], /^brain: too many arguments for 'execute'/],
      ],
    );
  }, 180_000);

  it('status shows state, result, worker and the timeline; --json adds it to the API’s shape', async () => {
    const sent = (await brain('tasks', 'execute', 'tests.add', '--args', '[1, 2]')).stdout.trim();
    await waitForState(results(), sent, ['SUCCESS']);

    const human = await brain('tasks', 'status', sent);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^task id +${sent}$`, 'm'));
    expect(human.stdout).toMatch(/^state +SUCCESS$/m);
    expect(human.stdout).toMatch(new RegExp(`^worker +${HOST}$`, 'm'));
    expect(human.stdout).toMatch(/^result\n {2}3$/m);
    expect(human.stdout).toMatch(/^timeline\n {2}AT +STATE +WORKER +RETRIES$/m);
    expect(human.stdout).toMatch(new RegExp(`STARTED +${HOST}`));

    const json = await brainJson<TaskDetail>(suite.prefix, ['tasks', 'status', sent]);
    expect(json).toMatchObject({ task_id: sent, status: 'SUCCESS', result: 3, worker: HOST });
    expect(json.timeline.map((e) => e.state)).toEqual(['PENDING', 'STARTED', 'SUCCESS']);
  });

  it('status of a failed task shows its retries, error and traceback', async () => {
    const r = await brain('tasks', 'execute', 'tests.always_fails', '--wait');
    const id = r.stdout.split('\n')[0];
    const json = await brainJson<TaskDetail>(suite.prefix, ['tasks', 'status', id]);
    expect(json).toMatchObject({ status: 'FAILURE', retries: 2, successful: false });
    expect(json.error?.message).toBe('fails every time');
    expect(json.error?.traceback).toMatch(/fails every time\n\s+at /);
    expect(json.timeline.map((e) => e.state)).toEqual(FAILED_AFTER_TWO_RETRIES);
    const human = await brain('tasks', 'status', id);
    expect(human.stdout).toMatch(/^error\n {2}\w+: fails every time$/m);
    expect(human.stdout).toMatch(/^traceback\n {2}\w+: fails every time\n {6}at /m);
  });

  it('status of an unknown id fails with exit 1 and one line', async () => {
    expectOneLineError(
      await brain('tasks', 'status', 'no-such-task'),
      1,
      /^brain: no task no-such-task \(never sent, or its record expired\)$/,
    );
  });

  it('list filters and pages as GET /api/tasks, newest first', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push((await brain('tasks', 'execute', 'tests.add', '--args', `[${n}, 0]`)).stdout.trim());
    }
    await Promise.all(ids.map((id) => waitForState(results(), id, ['SUCCESS'])));

    interface Page {
      tasks: TaskStatus[];
      limit: number;
      offset: number;
      has_more: boolean;
    }
    const page = await brainJson<Page>(suite.prefix, [
      'tasks',
      'list',
      '--name',
      'tests.add',
      '--state',
      'success',
      '--limit',
      '2',
    ]);
    expect(page).toMatchObject({ limit: 2, offset: 0, has_more: true });
    expect(page.tasks.map((t) => t.task_id)).toEqual([ids[2], ids[1]]);
    expect(page.tasks.every((t) => t.status === 'SUCCESS' && t.task_name === 'tests.add')).toBe(
      true,
    );
    const second = await brainJson<Page>(suite.prefix, [
      'tasks',
      'list',
      '--name',
      'tests.add',
      '--limit',
      '2',
      '--page',
      '2',
    ]);
    expect(second).toMatchObject({ limit: 2, offset: 2 });
    expect(second.tasks[0].task_id).toBe(ids[0]);

    const human = await brain('tasks', 'list', '--name', 'tests.add', '--limit', '2');
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^TASK ID +NAME +STATE +QUEUE +WORKER +SCHEDULE +RECEIVED +RUNTIME +RESULT/,
    );
    expect(lines[1]).toMatch(new RegExp(`^${ids[2]} +tests\\.add +SUCCESS +default +${HOST} `));
    expect(lines.at(-1)).toBe('tasks 1-2; more with --page 2');
  });

  it('refuses bad list filters as the API does: exit 2, one line', async () => {
    await expectUsageErrors(
      (args) => brain('tasks', 'list', ...args),
      [
        [['--state', 'DONE'], /^brain: --state must be one of the following values: PENDING, /],
        [['--queue', 'bogus'], /^brain: --queue must be one of the following values: /],
        [['--limit', '501'], /^brain: --limit must not be greater than 500$/],
        [['--since', 'yesterday'], /^brain: --since must be a valid ISO 8601 date string$/],
        [['--page', '0'], /^brain: --page must be a whole number >= 1$/],
        [['--page', '2', '--offset', '5'], /^brain: give --page or --offset, not both$/],
      ],
    );
  }, 180_000);

  it('active lists a running task; cancel --terminate stops it and it reads REVOKED', async () => {
    const id = (
      await brain('tasks', 'execute', 'tests.stubborn', '--kwargs', '{"seconds": 60}')
    ).stdout.trim();
    await waitFor(
      async () =>
        (await suite.app.get(Inspector).active()).some((t) => t.task_id === id) || undefined,
      `${id} to run`,
    );

    const active = await brainJson<Array<{ task_id: string; worker: string }>>(suite.prefix, [
      'tasks',
      'active',
    ]);
    expect(active).toContainEqual(
      expect.objectContaining({ task_id: id, worker: HOST, task_name: 'tests.stubborn' }),
    );
    const table = await brain('tasks', 'active');
    expect(table.stdout).toMatch(
      new RegExp(`^${id} +tests\\.stubborn +default +${HOST} .* \\(seconds=60\\)$`, 'm'),
    );

    const cancel = await brain('tasks', 'cancel', id, '--terminate');
    expect({ code: cancel.code, stderr: cancel.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cancel.stdout.trim()).toBe(`revoked ${id} (was STARTED, terminated)`);
    expect(await results().get(id)).toMatchObject({ state: 'REVOKED' });
  });

  it('cancel of a waiting task revokes it before it runs; --json answers as the API', async () => {
    const id = (
      await brain('tasks', 'execute', 'tests.add', '--args', '[1, 1]', '--countdown', '300')
    ).stdout.trim();
    const scheduled = await brainJson<Array<{ task_id: string }>>(suite.prefix, [
      'tasks',
      'scheduled',
    ]);
    expect(scheduled.map((t) => t.task_id)).toContain(id);

    const json = await brainJson<Record<string, unknown>>(suite.prefix, ['tasks', 'cancel', id]);
    expect(json).toEqual({
      task_id: id,
      previous_status: 'PENDING',
      status: 'REVOKED',
      terminate: false,
    });
    const again = await brain('tasks', 'cancel', id);
    expect(again.stdout.trim()).toBe(`${id} had already ended REVOKED: nothing to revoke`);
    expectOneLineError(await brain('tasks', 'cancel', 'no-such-task'), 1, /^brain: no task /);
  });

  it('registered lists the declared tasks, included ones too, with the role that may send each', async () => {
    const json = await brainJson<{
      tasks: string[];
      total: number;
      details: Array<{ name: string; queue: string; role: string }>;
    }>(suite.prefix, ['tasks', 'registered']);
    expect(json.tasks).toEqual(
      expect.arrayContaining(['tests.add', 'backend.app.tasks.system_tasks.health_check']),
    );
    expect(json.total).toBe(json.tasks.length);
    expect(json.details).toContainEqual({
      name: 'tests.admin_only',
      queue: 'default',
      role: 'admin',
    });
    expect(json.details).toContainEqual({ name: 'tests.add', queue: 'default', role: 'operator' });
    const table = await brain('tasks', 'registered');
    expect(table.stdout).toMatch(/^TASK\s+QUEUE\s+ROLE\s+PARAMS/);
    expect(table.stdout).toMatch(/^tests\.admin_only\s+default\s+admin\b/m);
  });

  it('execute sends an admin-only task: the CLI acts with the admin role', async () => {
    const r = await brain('tasks', 'execute', 'tests.admin_only', '--wait');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('result   "done"');
  });
});
