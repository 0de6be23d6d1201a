import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import { ApiProcess, databaseUrl } from './support/api-process';
import { type CliResult, expectUsageErrors, runBrain } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures', 'outside');

/** A worker on `include` (the flag, or BRAIN_INCLUDE in `env`), ready to take tasks. */
async function startWorker(prefix: string, args: string[], env: Record<string, string> = {}) {
  const worker = new BrainProcess(['worker', 'start', '--concurrency', '1', ...args], prefix, env);
  await worker.waitForOutput(/ready: queues/);
  return worker;
}

describe('task modules included from a folder outside the checkout (real worker, API, CLI)', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'brain-include-'));
    // Outside the checkout: Node would find none of the project's packages from there.
    expect(relative(ROOT, dir).startsWith('..')).toBe(true);
    for (const file of ['handed-tasks.js', 'required-tasks.js', 'greeting.js'])
      copyFileSync(join(FIXTURES, file), at(file));
    // A copy of Nest beside the file that must not be used: two Nests would break injection.
    const decoy = at('node_modules/@nestjs/common');
    mkdirSync(decoy, { recursive: true });
    writeFileSync(join(decoy, 'package.json'), '{"name": "@nestjs/common", "main": "index.js"}');
    writeFileSync(join(decoy, 'index.js'), "throw new Error('the decoy @nestjs/common loaded');");
    writeFileSync(at('no-module.js'), 'module.exports = { answer: 42 };\n');
    writeFileSync(at('needs-missing.js'), "require('not-installed-anywhere');\n");
    writeFileSync(
      at('register-throws.js'),
      "exports.register = () => { throw new Error('no'); };\n",
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('register(engine, nest) needs no import: worker with --include, sent by the CLI', async () => {
    const prefix = uniquePrefix('include-handed');
    const worker = await startWorker(prefix, ['--include', at('handed-tasks.js')]);
    try {
      const r = await runBrain(prefix, [
        'tasks',
        'execute',
        'outside.handed.add',
        '--kwargs',
        '{"x": 2, "y": 40}',
        '--wait',
        '--timeout',
        '30',
        '--json',
        '--include',
        at('handed-tasks.js'),
      ]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toMatchObject({
        status: 'SUCCESS',
        result: { sum: 42, ping: 'PONG' },
        task_name: 'outside.handed.add',
      });
    } finally {
      await worker.stop();
    }
  });

  describe('a file requiring Nest itself, by BRAIN_INCLUDE', () => {
    let database: DatabaseConfig;
    let api: ApiProcess;
    let worker: BrainProcess;

    beforeAll(async () => {
      const prefix = uniquePrefix('include-required');
      database = await testSqliteConfig('include-required');
      const env = { BRAIN_INCLUDE: at('required-tasks.js') };
      [api, worker] = await Promise.all([
        // The API checks task names against the same include.
        ApiProcess.start(prefix, database, env),
        startWorker(prefix, [], { ...env, DATABASE_URL: databaseUrl(database) }),
      ]);
    });

    afterAll(async () => {
      await Promise.all([api?.stop(), worker?.stop()]);
      if (database) await dropTestDatabase(database);
    });

    it('gets the project’s Nest: the worker runs its task, sent through the API', async () => {
      const sent = await api
        .as()
        .post('/api/tasks/execute')
        .send({ task_name: 'outside.required.greet', kwargs: { name: 'world' } });
      expect(sent.status).toBe(201);
      const id = (sent.body as { task_id: string }).task_id;
      const done = await waitFor(async () => {
        const body = (await api.as().get(`/api/tasks/${id}`)).body as { status: string };
        return ['SUCCESS', 'FAILURE'].includes(body.status) ? body : undefined;
      }, `${id} to end`);
      expect(done).toMatchObject({ status: 'SUCCESS', result: 'hello world' });
    });
  });

  it('a file that cannot be included stops the start with one line naming it (exit 2)', async () => {
    const prefix = uniquePrefix('include-bad');
    const run = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
      runBrain(prefix, args, env, 30_000);
    await expectUsageErrors(run, [
      [
        ['worker', 'start', '--include', at('missing.js')],
        /^brain: include \S+missing\.js: no such file$/,
      ],
      [
        ['tasks', 'registered', '--include', at('no-module.js')],
        /^brain: include \S+no-module\.js: exports no Nest module \(/,
      ],
      [
        ['beat', 'start', '--include', at('needs-missing.js')],
        /^brain: include \S+needs-missing\.js: Cannot find module 'not-installed-anywhere'$/,
      ],
      [
        ['api', 'start', '--port', '0', '--include', at('register-throws.js')],
        /^brain: include \S+register-throws\.js: register\(\) failed: no$/,
      ],
    ]);
    // BRAIN_INCLUDE is read the same way.
    await expectUsageErrors(
      (args) => run(args, { BRAIN_INCLUDE: at('missing.js') }),
      [[['worker', 'start'], /^brain: include \S+missing\.js: no such file$/]],
    );
  });
});
