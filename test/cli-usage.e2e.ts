import { expectOneLineError, expectUsageErrors, runBrain } from './support/brain-cli';
import { uniquePrefix } from './support/redis';

/** Every command and subcommand of `brain`, as typed. */
const COMMANDS = [
  [],
  ['api'],
  ['api', 'start'],
  ['worker'],
  ['worker', 'start'],
  ['worker', 'stop'],
  ['worker', 'stats'],
  ['beat'],
  ['beat', 'start'],
  ['beat', 'stop'],
  ['tasks'],
  ['tasks', 'list'],
  ['tasks', 'active'],
  ['tasks', 'scheduled'],
  ['tasks', 'registered'],
  ['tasks', 'execute'],
  ['tasks', 'status'],
  ['tasks', 'cancel'],
  ['apikeys'],
  ['apikeys', 'create'],
  ['apikeys', 'list'],
  ['apikeys', 'revoke'],
  ['keys'],
  ['keys', 'webhook-secret'],
  ['keys', 'rewrap'],
  ['audit'],
  ['audit', 'list'],
  ['flower'],
  ['flower', 'start'],
  ['info'],
  ['up'],
];

/** How a command's usage line names its aliases. */
const ALIASES: Record<string, string> = { flower: '\\|dashboard' };

/** The commands that answer with a table, or with JSON given --json. */
const ANSWERS_WITH_TABLES = new Set([
  'worker stats',
  'tasks list',
  'tasks active',
  'tasks scheduled',
  'tasks registered',
  'tasks execute',
  'tasks status',
  'tasks cancel',
  'apikeys create',
  'apikeys list',
  'apikeys revoke',
  'keys webhook-secret',
  'keys rewrap',
  'audit list',
  'info',
]);

describe('brain: help and usage on every command', () => {
  const prefix = uniquePrefix('cli-usage');
  const brain = (...args: string[]) => runBrain(prefix, args);

  it('answers --help on every command and subcommand with its usage (and --json where it answers with a table), exit 0', async () => {
    const seen: Array<{ command: string; code: number | null; usage: string; json: boolean }> = [];
    for (let i = 0; i < COMMANDS.length; i += 4) {
      const batch = COMMANDS.slice(i, i + 4);
      const answers = await Promise.all(batch.map((c) => brain(...c, '--help')));
      answers.forEach((r, j) =>
        seen.push({
          command: batch[j].join(' '),
          code: r.code,
          usage: r.stdout.split('\n')[0],
          json: /--json +print JSON/.test(r.stdout),
        }),
      );
    }
    expect(seen).toEqual(
      COMMANDS.map((c) => ({
        command: c.join(' '),
        code: 0,
        usage: expect.stringMatching(
          new RegExp(
            `^Usage: ${['brain', ...c].join(' ')}${ALIASES[c.join(' ')] ?? ''} \\[options\\]`,
          ),
        ),
        json: ANSWERS_WITH_TABLES.has(c.join(' ')),
      })),
    );
  }, 300_000);

  it('shows a group’s help on stderr with exit 2 when its subcommand is missing', async () => {
    const r = await brain('tasks');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^Usage: brain tasks \[options\] \[command\]/);
    expect(r.stderr).toMatch(/^ {2}execute \[options\] <name> /m);
  });

  it('treats flower (the monitoring UI) as every other group: help on stderr, exit 2', async () => {
    const r = await brain('flower');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^Usage: brain flower\|dashboard \[options\] \[command\]/);
    expect(r.stderr).toMatch(/^ {2}start \[options\] /m);
  });

  it('refuses unknown commands, options, missing and extra arguments: exit 2, one line', async () => {
    await expectUsageErrors(
      (args) => runBrain(prefix, args),
      [
        [['frobnicate'], /^brain: unknown command 'frobnicate'$/],
        [
          ['tasks', 'frob'],
          /^brain: unknown command 'frob' for 'brain tasks' \(see brain tasks --help\)$/,
        ],
        [['info', '--jsn'], /^brain: unknown option '--jsn' \(Did you mean --json\?\)$/],
        [
          ['worker', 'stats', '--hostname'],
          /^brain: option '-n, --hostname <name>' argument missing$/,
        ],
        [['tasks', 'status'], /^brain: missing required argument 'task_id'$/],
        [['tasks', 'cancel', 'a', 'b'], /^brain: too many arguments for 'cancel'/],
        [['apikeys', 'revoke'], /^brain: missing required argument 'id_or_name'$/],
        [
          ['apikeys', 'create', '--role', 'viewer'],
          /^brain: required option '--name <name>' not specified$/,
        ],
        [
          ['apikeys', 'create', '--name', 'x', '--role', 'root'],
          /^brain: --role must be one of the following values: admin, operator, viewer$/,
        ],
        [['info', 'extra'], /^brain: too many arguments for 'info'/],
      ],
    );
  }, 180_000);

  it('says in one line, exit 1, that Redis cannot be reached, never echoing its password', async () => {
    const r = await runBrain(prefix, ['tasks', 'list'], {
      REDIS_URL: 'redis://:hunter2-secret@127.0.0.1:1',
    });
    expectOneLineError(
      r,
      1,
      /^brain: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: connect ECONNREFUSED/,
    );
    expect(r.stderr).not.toContain('hunter2');
  });

  it('says in one line, exit 1, that the database cannot be reached, never echoing its password', async () => {
    const r = await runBrain(prefix, ['apikeys', 'list'], {
      DATABASE_URL: 'postgres://brain:hunter2-secret@127.0.0.1:1/brain',
    });
    expectOneLineError(r, 1, /^brain: database migration failed: connect ECONNREFUSED/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
