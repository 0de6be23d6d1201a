import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadIncludes } from '@brain/runtime';
import { CliLogger } from './cli-logger';
import { ControlAppModule } from './control-app.module';
import { checkEnvironment, checkRedisReachable } from './redis-target';

export interface ControlAppOptions {
  /** Extra task modules (`--include`); default BRAIN_INCLUDE, as the worker's. */
  include?: string;
}

/** Boots the engine (and the database) for one short command, and closes it whatever happens. */
export async function withControlApp<T>(
  body: (app: INestApplicationContext) => Promise<T>,
  options: ControlAppOptions = {},
): Promise<T> {
  // A file that cannot be included is bad usage (IncludeError, exit 2) naming it.
  const includes = loadIncludes(options.include ?? process.env.BRAIN_INCLUDE);
  checkEnvironment();
  await checkRedisReachable(process.env.REDIS_URL!);
  const app = await NestFactory.createApplicationContext(ControlAppModule.register(includes), {
    logger: new CliLogger(),
    // A failed boot (database unreachable...) is thrown to the command, not ended with exit(1).
    abortOnError: false,
  });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}
