import { TaskInputError, TaskNotFoundError } from '@brain/tasks';

/** A failure the CLI reports as one line on stderr with its exit code (2: bad usage, 1: failure). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** An error as one line: messages from deep down may span several. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs a command body: errors become one line on stderr and an exit code, never a stack dump. The
 * engine's input errors are the caller's mistake (2); an unknown task id is a failure (1).
 */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (err) {
    const code = err instanceof CliError ? err.exitCode : err instanceof TaskInputError ? 2 : 1;
    const message =
      err instanceof TaskNotFoundError
        ? `no task ${err.taskId} (never sent, or its record expired)`
        : (err as Error).message;
    process.stderr.write(`brain: ${oneLine(message)}\n`);
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
