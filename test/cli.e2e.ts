import { BrainProcess } from './support/brain-process';
import { uniquePrefix } from './support/redis';

/** Runs `brain` to its end; answers exit code and everything it printed. */
async function brain(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  const p = new BrainProcess(args, uniquePrefix('cli'), env);
  const code = await p.exit(30_000);
  return { code, out: p.log };
}

describe('brain CLI: usage errors and bad configuration', () => {
  it('answers --help with exit 0', async () => {
    const { code, out } = await brain(['worker', 'start', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/--queue <queues>/);
    expect(out).toMatch(/--concurrency <n>/);
  });

  it('refuses an unknown queue with exit 2 and one line naming it', async () => {
    const { code, out } = await brain(['worker', 'start', '--queue=system,bogus']);
    expect(code).toBe(2);
    expect(out.trim()).toBe(
      'brain: --queue: unknown queue "bogus"; known: system, missions, agents, default, maintenance',
    );
  });

  it('refuses a bad API port with exit 2 and one line naming the flag', async () => {
    const { code, out } = await brain(['api', 'start', '--port', 'eighty']);
    expect(code).toBe(2);
    expect(out.trim()).toBe('brain: --port must be a whole number from 0 to 65535');
  });

  it('refuses an unknown command with exit 2', async () => {
    const { code, out } = await brain(['frobnicate']);
    expect(code).toBe(2);
    expect(out.trim()).toBe("brain: unknown command 'frobnicate'");
  });

  it('names every bad variable in one line, exit 1, without echoing secrets', async () => {
    const { code, out } = await brain(['worker', 'start'], {
      REDIS_URL: 'http://admin:hunter2-secret@example:6379',
      RESULT_EXPIRES: '-5',
    });
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/REDIS_URL: unknown scheme http: must be redis\[s\]:\/\//);
    expect(out).toMatch(/RESULT_EXPIRES: /);
    expect(out).not.toContain('hunter2');
  });
});
