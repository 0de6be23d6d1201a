import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadAppConfig } from '@brain/config';
import { loggerFromEnv } from '@brain/logging';
import { runPoolChild } from '@brain/tasks';
import { ChildAppModule } from './child-app.module';
import { loadIncludes } from '@brain/runtime';
import { WorkerAppModule } from './worker-app.module';

/**
 * The entry of a pool child (see runPoolChild): a prefork child builds the worker's modules, a
 * thread of the threads pool the task modules only. Either builds them once, then runs many tasks.
 */
runPoolChild(async (kind) => {
  loadAppConfig(process.env);
  const includes = loadIncludes(process.env.BRAIN_INCLUDE);
  const module =
    kind === 'prefork' ? WorkerAppModule.register(includes) : ChildAppModule.register(includes);
  // The worker's LOG_LEVEL and LOG_FORMAT come with its environment.
  return NestFactory.createApplicationContext(module, { logger: loggerFromEnv() });
});
