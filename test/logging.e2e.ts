import type { INestApplicationContext } from '@nestjs/common';
import { ResultStore, TaskClient } from '@brain/tasks';
import { ApiProcess } from './support/api-process';
import { expectOneLineError, runBrain } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { clientApp, waitForState } from './support/client-app';
import { sharedSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';

jest.setTimeout(120_000);

/** Nest's start-up detail: a line per module, controller and route. */
const BOOTSTRAP = /InstanceLoader|RoutesResolver|RouterExplorer/;

describe('what processes log: LOG_LEVEL and LOG_FORMAT (real processes)', () => {
  const prefix = uniquePrefix('logging');
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await clientApp(prefix);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('at the default level a worker and an API say starting and ready, without Nest’s start-up detail', async () => {
    const [worker, api] = await Promise.all([
      BrainProcess.worker(prefix, ['--concurrency', '1', '--hostname', 'quiet@test']),
      ApiProcess.start(prefix, sharedSqliteConfig()),
    ]);
    try {
      expect(worker.log).toMatch(/\[Worker\] starting worker quiet@test\n/);
      expect(worker.log).toMatch(/\[TaskWorker\] worker quiet@test ready: queues /);
      expect(api.log).toMatch(/\[Api\] starting API on port \d+\n/);
      expect(api.log).toMatch(/\[Api\] API listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(worker.log).not.toMatch(BOOTSTRAP);
      expect(api.log).not.toMatch(BOOTSTRAP);
    } finally {
      await Promise.all([worker.stop(), api.stop()]);
    }
    // Nor while stopping, nor from the worker's pool children.
    expect(worker.log).not.toMatch(BOOTSTRAP);
  });

  it('at LOG_LEVEL=debug, Nest’s start-up detail is there', async () => {
    const api = await ApiProcess.start(prefix, sharedSqliteConfig(), { LOG_LEVEL: 'debug' });
    await api.stop();
    expect(api.log).toMatch(/DEBUG \[InstanceLoader\] \w+ dependencies initialized/);
    expect(api.log).toMatch(/DEBUG \[RouterExplorer\] Mapped \{\/api\/tasks, GET\} route/);
  });

  it('with LOG_FORMAT=json every stdout line of a worker is a JSON object; task lines carry the task', async () => {
    const worker = await BrainProcess.worker(
      prefix,
      ['--concurrency', '1', '--hostname', 'json@test'],
      false,
      { LOG_FORMAT: 'json' },
    );
    const client = app.get(TaskClient);
    const [add, fails] = [
      await client.applyAsync('tests.add', { kwargs: { x: 1, y: 2 } }),
      await client.applyAsync('tests.always_fails', {}),
    ];
    await waitForState(app.get(ResultStore), add.task_id, ['SUCCESS']);
    await waitForState(app.get(ResultStore), fails.task_id, ['FAILURE']);
    await worker.waitForOutput(new RegExp(`tests.always_fails\\[${fails.task_id}\\] failed`));
    expect(await worker.stop()).toBe(0);

    const lines = worker.stdout.trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const r of records)
      expect(r).toMatchObject({ level: expect.any(String), time: expect.any(String) });
    expect(records).toContainEqual(
      expect.objectContaining({ context: 'TaskWorker', msg: expect.stringMatching(/ ready: /) }),
    );
    const taskLines = records.filter((r) => r.context === 'Task');
    expect(taskLines.map((r) => [r.level, r.task_id, r.msg])).toEqual(
      expect.arrayContaining([
        ['info', add.task_id, `tests.add[${add.task_id}] received`],
        ['info', add.task_id, expect.stringMatching(/^tests\.add\[\S+\] succeeded in \d+ms$/)],
        ['warn', fails.task_id, expect.stringMatching(/retry 1\/2/)],
        ['error', fails.task_id, expect.stringMatching(/failed: Error: fails every time$/)],
      ]),
    );
    for (const r of taskLines) {
      expect(r).toEqual(
        expect.objectContaining({
          task_id: expect.any(String),
          task_name: expect.stringMatching(/^tests\./),
          queue: 'default',
          worker: 'json@test',
        }),
      );
    }
  });

  it.each([
    ['worker start', 'LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of error, warn, info, debug/],
    ['api start', 'LOG_FORMAT', 'xml', /LOG_FORMAT: must be one of text, json/],
  ])(
    '`brain %s` refuses %s=%s: exit 1, one line naming it',
    async (command, name, value, message) => {
      const r = await runBrain(prefix, command.split(' '), { [name]: value });
      expectOneLineError(r, 1, message);
    },
  );
});
