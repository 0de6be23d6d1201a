import type { LoggerService } from '@nestjs/common';
import { loadAppConfig, type LogFormat, type LogLevelName } from '@brain/config';
import { createJsonLogger } from './json-logger';
import { TextLogger } from './text-logger';

/** The logger of a process, as LOG_LEVEL and LOG_FORMAT ask. */
export function createLogger(level: LogLevelName, format: LogFormat): LoggerService {
  return format === 'json' ? createJsonLogger(level) : new TextLogger(level);
}

/**
 * The logger LOG_LEVEL and LOG_FORMAT of `env` ask for; for NestFactory's `logger` option. Pool
 * children inherit the worker's environment, so they log as it does.
 */
export function loggerFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoggerService {
  const { logLevel, logFormat } = loadAppConfig(env);
  return createLogger(logLevel, logFormat);
}
