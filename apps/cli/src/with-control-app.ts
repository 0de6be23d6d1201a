import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ControlAppModule } from './control-app.module';
import { checkEnvironment } from './redis-target';

/** Boots the engine for one short command, and closes it whatever happens. */
export async function withControlApp<T>(
  body: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  checkEnvironment();
  const app = await NestFactory.createApplicationContext(ControlAppModule.register(), {
    logger: ['error', 'warn'],
  });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}
