/** A failure the CLI reports as one line on stderr with its exit code (2: bad usage, 1: failure). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** Runs a command body: errors become one line on stderr and an exit code, never a stack dump. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (err) {
    const code = err instanceof CliError ? err.exitCode : 1;
    process.stderr.write(`brain: ${(err as Error).message}\n`);
    process.exitCode = code;
  }
}

/** Turns an option parser's complaint into bad usage (exit 2). */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}
