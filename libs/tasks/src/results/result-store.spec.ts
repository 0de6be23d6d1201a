import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { RedisConnection } from '../redis/redis-connection.service';
import { TasksModule } from '../tasks.module';
import { ResultStore } from './result-store.service';

describe('ResultStore.pruneIndex (real Redis)', () => {
  let app: INestApplicationContext;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniquePrefix('prune-index');
    @Module({
      imports: [TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix, resultExpires: 60 })],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('forgets every expired entry, however many older ones are still live', async () => {
    const redis = app.get(RedisConnection).client;
    const index = `${prefix}:tasks`;
    const old = Date.now() - 3_600_000;
    // The 1,000 oldest entries still have a job (a far countdown): a first page of nothing to prune.
    const live = Array.from({ length: 1_000 }, (_, i) => `live-${i}`);
    const gone = Array.from({ length: 5_000 }, (_, i) => `gone-${i}`);
    const write = redis.pipeline();
    live.forEach((id, i) => {
      write.zadd(index, old + i, id);
      write.hset(`${prefix}:default:${id}`, 'name', 'tests.add');
    });
    gone.forEach((id, i) => write.zadd(index, old + live.length + i, id));
    await write.exec();

    expect(await app.get(ResultStore).pruneIndex()).toBe(5_000);
    expect(await redis.zcard(index)).toBe(1_000);
    expect(await redis.zscore(index, 'live-999')).not.toBeNull();
    // Nothing left to do: a second run scans the live ones and removes nothing.
    expect(await app.get(ResultStore).pruneIndex()).toBe(0);
  });
});
