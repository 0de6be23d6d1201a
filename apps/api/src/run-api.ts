import { Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiAppModule } from './api-app.module';
import { configureApp } from './http/configure-app';

/** The API, configured and listening (port 0: any free port; see app.getUrl()). */
export async function createApi(
  port: number,
  includes: Type[] = [],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiAppModule.register(includes), {
    bodyParser: false,
    logger: ['log', 'warn', 'error'],
  });
  configureApp(app);
  await app.listen(port, process.env.API_HOST ?? '0.0.0.0');
  return app;
}

/** Runs the API until SIGTERM/SIGINT, then closes it gracefully. Answers the exit code. */
export async function runApi(port: number, includes: Type[] = []): Promise<number> {
  const app = await createApi(port, includes);
  new Logger('Api').log(`API listening on ${await app.getUrl()} (docs at /api/docs)`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await app.close();
  return 0;
}
