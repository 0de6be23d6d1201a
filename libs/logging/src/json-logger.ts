import type { DestinationStream, LogFn, Logger } from 'pino';
import { stdTimeFunctions } from 'pino';
import { NativeLogger, PinoLogger } from 'nestjs-pino';
import type { LogLevelName } from '@brain/config';
import { isBootstrapDetail } from './bootstrap-detail';
import { shownInLog } from './shown-in-log';

/**
 * LOG_FORMAT=json: one JSON object a line through pino (nestjs-pino's NativeLogger, which reads
 * Nest's calls as Nest's console logger does). A call's structured fields (`logger.log(message,
 * {task_id...})`) become fields of the record, beside `msg`, `level`, `time` and `context`.
 */
export class JsonLogger extends NativeLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (isBootstrapDetail(optionalParams)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}

/**
 * A JSON logger writing to `destination` (stdout by default). nestjs-pino keeps one pino instance
 * a process: the first call's level and destination hold for every later one.
 */
export function createJsonLogger(level: LogLevelName, destination?: DestinationStream): JsonLogger {
  const options = {
    level,
    // What log shippers read best: a level name, an ISO time.
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: stdTimeFunctions.isoTime,
    // Message and fields through the secret policy, whoever logs them.
    hooks: {
      logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn) {
        method.apply(this, args.map(shownInLog) as Parameters<LogFn>);
      },
    },
  };
  const pino = new PinoLogger({ pinoHttp: destination ? [options, destination] : options });
  return new JsonLogger(pino, { nativeLogger: { flattenParams: true } });
}
