import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { LogLevelName } from '@brain/config';
import { redactText } from '@brain/tasks';
import { isBootstrapDetail } from './bootstrap-detail';
import { shownInLog } from './shown-in-log';

/** Nest's levels each LOG_LEVEL shows (Nest says `log` for info; `verbose` is never shown). */
export const NEST_LEVELS: Record<LogLevelName, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/**
 * LOG_FORMAT=text: Nest's own console lines, filtered by LOG_LEVEL, with Nest's start-up detail
 * moved to debug. Structured fields (`logger.log(message, {task_id...})`) are left out: the line
 * already says what they hold, and they are there for JSON.
 */
export class TextLogger extends ConsoleLogger {
  constructor(level: LogLevelName) {
    super({ logLevels: NEST_LEVELS[level] });
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (isBootstrapDetail(optionalParams)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }

  /**
   * Passes all but Nest's last argument, the structured fields: the text line names the task.
   * What is printed goes through the secret policy.
   */
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(
      messages.map(shownInLog),
      context,
      logLevel,
      writeStreamType,
      shownInLog(errorStack),
    );
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack && redactText(stack));
  }
}
