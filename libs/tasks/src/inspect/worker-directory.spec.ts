import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { RedisConnection } from '../redis/redis-connection.service';
import { TasksModule } from '../tasks.module';
import { FORGET_SILENT_AFTER_S, WorkerDirectory } from './worker-directory.service';

describe('WorkerDirectory (real Redis)', () => {
  let app: INestApplicationContext;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniquePrefix('worker-directory');
    @Module({ imports: [TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix })] })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('forgets workers silent for a day (crashed, old container names), keeps recent ones', async () => {
    const redis = app.get(RedisConnection).client;
    const index = `${prefix}:workers`;
    const now = Date.now();
    await redis.zadd(index, now - (FORGET_SILENT_AFTER_S + 60) * 1000, 'crashed@old-container');
    await redis.zadd(index, now - 600_000, 'stopped-lately@host');
    const directory = app.get(WorkerDirectory);
    expect(await directory.forgetSilent()).toBe(1);
    expect(await directory.offline()).toEqual(['stopped-lately@host']);
  });
});
