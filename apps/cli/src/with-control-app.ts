import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { loadIncludes } from '../../worker/src/task-includes';
import { CliError } from './cli-error';
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
  checkEnvironment();
  await checkRedisReachable(process.env.REDIS_URL!);
  let includes: Type[];
  try {
    includes = loadIncludes(options.include ?? process.env.BRAIN_INCLUDE);
  } catch (err) {
    throw new CliError(`cannot load task modules: ${(err as Error).message}`, 1);
  }
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
