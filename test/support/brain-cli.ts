import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BRAIN_BIN, FIXTURE_TASKS } from './brain-process';
import { sharedSqliteConfig } from './databases';
import { testRedisUrl } from './redis';

/** What a short `brain` command answered: its exit code and its two streams apart. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `brain` to its end against the test Redis under `prefix` (the fixture tasks
 * included), stdout and stderr kept apart: `--json` answers are parsed from stdout alone.
 */
export function runBrain(
  prefix: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const child = spawn(process.execPath, [BRAIN_BIN, ...args], {
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      REDIS_URL: testRedisUrl(),
      DATABASE_URL: `sqlite://${sharedSqliteConfig().path}`,
      BRAIN_PREFIX: prefix,
      BRAIN_INCLUDE: FIXTURE_TASKS,
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`brain ${args.join(' ')} did not exit in ${timeoutMs} ms:\n${stdout}${stderr}`),
      );
    }, timeoutMs);
    // 'close', not 'exit': it comes once both streams are drained.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The answer of a `--json` command, failing with its output when it did not exit 0. */
export async function brainJson<T>(
  prefix: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<T> {
  const r = await runBrain(prefix, [...args, '--json'], env);
  if (r.code !== 0) throw new Error(`brain ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** One line on stderr, nothing on stdout: how every refusal reads. */
export function expectOneLineError(r: CliResult, code: number, message: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: '' });
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(message);
}

/**
 * Runs refused commands a few at a time (each is a process start) and checks them all: exit 2,
 * one line on stderr matching its message.
 */
export async function expectUsageErrors(
  run: (args: string[]) => Promise<CliResult>,
  cases: Array<[string[], RegExp]>,
): Promise<void> {
  const seen: Array<{ args: string[]; code: number | null; stdout: string; stderr: string }> = [];
  for (let i = 0; i < cases.length; i += 4) {
    const batch = cases.slice(i, i + 4);
    const answers = await Promise.all(batch.map(([args]) => run(args)));
    answers.forEach((r, j) => seen.push({ args: batch[j][0], ...r }));
  }
  expect(seen).toEqual(
    cases.map(([args, message]) => ({
      args,
      code: 2,
      stdout: '',
      // One line: the message (to its end when it ends with $), then the newline.
      stderr: expect.stringMatching(
        new RegExp(
          message.source.endsWith('$')
            ? `${message.source.slice(0, -1)}\n$`
            : `${message.source}[^\n]*\n$`,
        ),
      ),
    })),
  );
}
