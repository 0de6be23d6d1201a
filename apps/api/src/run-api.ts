import { Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loggerFromEnv } from '@brain/logging';
import { StopSignals, withDeadline } from '@brain/runtime';
import { ApiAppModule } from './api-app.module';
import { configureApp } from './http/configure-app';

/** How long a stopping API waits for its connections to close. */
const CLOSE_DEADLINE_MS = 10_000;

/** The API, configured and listening (port 0: any free port; see app.getUrl()). */
export async function createApi(
  port: number,
  includes: Type[] = [],
): Promise<NestExpressApplication> {
  const logger = loggerFromEnv();
  logger.log(`starting API on port ${port}`, 'Api');
  const app = await NestFactory.create<NestExpressApplication>(ApiAppModule.register(includes), {
    bodyParser: false,
    logger,
  });
  configureApp(app);
  await app.listen(port, process.env.API_HOST ?? '0.0.0.0');
  return app;
}

/** Runs the API until SIGTERM/SIGINT, then closes it gracefully. Answers the exit code. */
export async function runApi(port: number, includes: Type[] = []): Promise<number> {
  const signals = new StopSignals();
  const app = await createApi(port, includes);
  signals.started();
  new Logger('Api').log(`API listening on ${await app.getUrl()} (docs at /api/docs)`);
  await signals.wait();
  // Closing waits on Redis and the database; with either gone it could wait for ever.
  const closed = await withDeadline(app.close(), CLOSE_DEADLINE_MS);
  if (!closed) new Logger('Api').warn(`not closed within ${CLOSE_DEADLINE_MS / 1000} s: leaving`);
  return 0;
}
