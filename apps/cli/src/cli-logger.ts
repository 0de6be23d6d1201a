import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's console logger for commands: every level goes to stderr (a command's stdout is its answer,
 * a table or JSON for scripts, and a warning must not end up inside it), without stack traces.
 * A failed boot is reported once, by the command itself, not also by Nest's exception handler.
 */
export class CliLogger extends ConsoleLogger {
  constructor(levels: LogLevel[] = ['error', 'warn']) {
    super({ logLevels: levels });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
  ): void {
    if (context === 'ExceptionHandler') return;
    super.printMessages(messages, context, logLevel, 'stderr');
  }

  protected override printStackTrace(): void {}
}
