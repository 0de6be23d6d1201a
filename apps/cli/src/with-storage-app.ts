import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BrainConfigModule, loadAppConfig } from '@brain/config';
import { StorageModule } from '@brain/storage';
import { CliError, oneLine } from './cli-error';
import { CliLogger } from './cli-logger';

/** Configuration and the database only: what `apikeys` needs (no Redis). */
@Module({ imports: [BrainConfigModule.forRoot(), StorageModule.forRoot()] })
class StorageAppModule {}

/** Boots the database (migrated) for one short command, and closes it whatever happens. */
export async function withStorageApp<T>(
  body: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  try {
    loadAppConfig(process.env);
  } catch (err) {
    throw new CliError(oneLine((err as Error).message), 1);
  }
  const app = await NestFactory.createApplicationContext(StorageAppModule, {
    logger: new CliLogger(),
    abortOnError: false,
  });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}
