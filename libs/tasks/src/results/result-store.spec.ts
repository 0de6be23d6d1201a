import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { partitionOfTaskId, taskIdIn } from '../redis/key-layout';
import { PartitionLayout } from '../redis/partition-layout.service';
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

describe('ResultStore.indexFrom over partitions (real Redis)', () => {
  let app: INestApplicationContext;
  const prefix = uniquePrefix('index-merge');

  beforeAll(async () => {
    @Module({
      imports: [TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix, partitions: 3 })],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('reads the partitions as one sorted set would: score, then id, descending', async () => {
    const prefixes = await app.get(PartitionLayout).ensure();
    expect(prefixes).toHaveLength(3);
    const redis = app.get(RedisConnection).client;
    // Many entries share a score (tasks sent in one millisecond), across partitions.
    const entries = Array.from({ length: 90 }, (_, i) => ({
      id: taskIdIn(i % 3, `id-${String(i).padStart(3, '0')}`),
      score: 1000 + Math.floor(i / 7),
    }));
    const one = `${prefix}:one-index`;
    for (const { id, score } of entries) {
      await redis.zadd(`${prefixes[partitionOfTaskId(id)]}:tasks`, score, id);
      await redis.zadd(one, score, id);
    }
    const results = app.get(ResultStore);
    for (const position of [
      { score: Infinity, skip: 0 },
      { score: 1005, skip: 0 },
      { score: 1005, skip: 3 },
      { score: 1010, skip: 6 },
    ]) {
      for (const [since, count] of [
        [undefined, 10],
        [1003, 50],
      ] as const) {
        const flat = await redis.zrevrangebyscore(
          one,
          Number.isFinite(position.score) ? position.score : '+inf',
          since ?? '-inf',
          'WITHSCORES',
          'LIMIT',
          position.skip,
          count,
        );
        const expected = [];
        for (let i = 0; i < flat.length; i += 2)
          expected.push({ id: flat[i], score: Number(flat[i + 1]) });
        expect(await results.indexFrom(position, since, count)).toEqual(expected);
      }
    }
  });
});
