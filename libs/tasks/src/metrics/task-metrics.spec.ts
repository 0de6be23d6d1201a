import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Job, Worker } from 'bullmq';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { WorkerDirectory } from '../inspect/worker-directory.service';
import { QueueRegistry } from '../queues/queue-registry';
import type { WorkerHeartbeat } from '../inspect/worker-heartbeat';
import { RedisConnection } from '../redis/redis-connection.service';
import { TasksModule } from '../tasks.module';
import { TaskMetricsReader } from './task-metrics.reader';
import { TaskMetricsRecorder } from './task-metrics.recorder';
import {
  parseTaskMetrics,
  TASK_DURATION_BUCKETS,
  taskMetricsKey,
  type TaskSeries,
} from './task-metrics.schema';

const bucketIndex = (le: number) => TASK_DURATION_BUCKETS.indexOf(le);

describe('parseTaskMetrics', () => {
  it('cumulates buckets, reads totals, counts and sums, and ignores fields it does not know', () => {
    const [series, ...rest] = parseTaskMetrics({
      'total:success:a:b': '3',
      'count:success:a:b': '3',
      'sum:success:a:b': '1.5',
      'bucket:success:0.005:a:b': '1',
      'bucket:success:1:a:b': '1',
      // A bound from another version: counted from the next bound up.
      'bucket:success:0.7:a:b': '1',
      'bucket:bogus:1:a:b': '5',
      'count:success:': '9',
      weird: '1',
      'total:failure:x': 'NaN',
    });
    expect(rest).toEqual([]);
    expect(series).toMatchObject({ task: 'a:b', status: 'success', total: 3, count: 3 });
    expect(series.sumSeconds).toBeCloseTo(1.5);
    expect(series.buckets[bucketIndex(0.005)]).toBe(1);
    expect(series.buckets[bucketIndex(0.5)]).toBe(1);
    expect(series.buckets[bucketIndex(1)]).toBe(3);
    expect(series.buckets.at(-1)).toBe(3);
  });
});

describe('TaskMetricsRecorder and TaskMetricsReader (real Redis)', () => {
  let prefix: string;
  let app: INestApplicationContext;

  const newApp = async () => {
    @Module({ imports: [TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix })] })
    class AppModule {}
    return NestFactory.createApplicationContext(AppModule, { logger: false });
  };

  const seriesOf = async (task: string, status: string): Promise<TaskSeries | undefined> =>
    (await app.get(TaskMetricsReader).snapshot()).tasks.find(
      (s) => s.task === task && s.status === status,
    );

  beforeEach(async () => {
    prefix = uniquePrefix('task-metrics');
    app = await newApp();
  });

  afterEach(async () => {
    await app.get(RedisConnection).client.del(taskMetricsKey(prefix));
    await app.close();
  });

  it('adds every run to its task and status: outcomes, count, sum and buckets', async () => {
    const recorder = app.get(TaskMetricsRecorder);
    recorder.record('tests.add', 'SUCCESS', 3);
    recorder.record('tests.add', 'SUCCESS', 200);
    recorder.record('tests.add', 'SUCCESS', 2 * 3600 * 1000); // past the last bucket
    recorder.record('tests.add', 'RETRY', 40);
    recorder.record('tests.add', 'PENDING', 1); // given back unstarted: not a run
    expect(await seriesOf('tests.add', 'success')).toBeUndefined(); // not flushed yet
    await recorder.flush();

    const success = (await seriesOf('tests.add', 'success'))!;
    expect(success).toMatchObject({ total: 3, count: 3 });
    expect(success.sumSeconds).toBeCloseTo(0.003 + 0.2 + 7200);
    expect(success.buckets[bucketIndex(0.005)]).toBe(1);
    expect(success.buckets[bucketIndex(0.25)]).toBe(2);
    expect(success.buckets.at(-1)).toBe(2); // +Inf (the count) has the third
    expect(await seriesOf('tests.add', 'retry')).toMatchObject({ total: 1, count: 1 });
    const all = (await app.get(TaskMetricsReader).snapshot()).tasks;
    expect(all.map((s) => s.status).sort()).toEqual(['retry', 'success']);
  });

  it('sums what several workers write, and a second flush adds only what is new', async () => {
    const other = await newApp(); // another worker process, in effect
    try {
      app.get(TaskMetricsRecorder).record('tests.flaky', 'FAILURE', 10);
      other.get(TaskMetricsRecorder).record('tests.flaky', 'FAILURE', 20);
      await Promise.all([
        app.get(TaskMetricsRecorder).flush(),
        other.get(TaskMetricsRecorder).flush(),
      ]);
      await app.get(TaskMetricsRecorder).flush();
      const failure = (await seriesOf('tests.flaky', 'failure'))!;
      expect(failure).toMatchObject({ total: 2, count: 2 });
      expect(failure.sumSeconds).toBeCloseTo(0.03);
    } finally {
      await other.close();
    }
  });

  it('flushes what it holds when the application closes', async () => {
    const other = await newApp();
    other.get(TaskMetricsRecorder).record('tests.sleep', 'REVOKED', 0);
    await other.close();
    expect(await seriesOf('tests.sleep', 'revoked')).toMatchObject({ total: 1, count: 1 });
  });

  it('reads a reset (the hash gone) as counters back at zero', async () => {
    const recorder = app.get(TaskMetricsRecorder);
    recorder.record('tests.add', 'SUCCESS', 1);
    await recorder.flush();
    expect(await seriesOf('tests.add', 'success')).toMatchObject({ total: 1 });
    await app.get(RedisConnection).client.del(taskMetricsKey(prefix));
    expect(await seriesOf('tests.add', 'success')).toBeUndefined();
    recorder.record('tests.add', 'SUCCESS', 1);
    await recorder.flush();
    expect(await seriesOf('tests.add', 'success')).toMatchObject({ total: 1, count: 1 });
  });

  it('counts online workers, and from the active lists the running tasks per queue and the oldest run per task', async () => {
    const now = Date.now();
    const queues = app.get(QueueRegistry);
    const connection = app.get(RedisConnection).connectionOptions;
    const takers: Worker[] = [];
    const taken: Array<{ job: Job; token: string }> = [];
    /** A job taken as a worker takes it (active, locked), its run begun `ageS` seconds ago. */
    const take = async (name: string, queue: 'system' | 'default', ageS: number) => {
      const id = `${name}-${ageS}`;
      await queues.get(queue).add(name, { taskId: id, args: [], kwargs: {} }, { jobId: id });
      const taker = new Worker(queue, null, { connection, prefix, autorun: false });
      takers.push(taker);
      const token = `token-${id}`;
      const job: Job = await taker.getNextJob(token);
      expect(job.id).toBe(id);
      await app
        .get(RedisConnection)
        .client.hset(`${prefix}:${queue}:${id}`, 'processedOn', now - ageS * 1000);
      taken.push({ job, token });
      return { task_id: id, task_name: name, queue, args: [], kwargs: {}, time_start: '' };
    };
    const beat = (
      hostname: string,
      active: WorkerHeartbeat['active'],
      reserved: WorkerHeartbeat['reserved'] = [],
    ): WorkerHeartbeat => ({
      hostname,
      pid: 1,
      queues: ['system', 'default'],
      pool: { implementation: 'inline', 'max-concurrency': 2, processes: [] },
      total: {},
      processed: 0,
      active,
      reserved,
      started_at: new Date(now).toISOString(),
      sent_at: new Date(now).toISOString(),
      cpu_seconds: 0,
      rss_bytes: 0,
      loadavg: [0, 0, 0],
    });
    try {
      const running = [
        await take('tests.sleep', 'default', 5),
        await take('tests.add', 'system', 1),
        await take('tests.sleep', 'default', 40),
      ];
      // Taken ahead of time and waiting for a free child, as its worker's heartbeat says.
      const reserved = await take('tests.reserved', 'default', 99);
      const directory = app.get(WorkerDirectory);
      await directory.publish(beat('a@test', running.slice(0, 2), [reserved]));
      await directory.publish(beat('b@test', running.slice(2)));

      const snapshot = await app.get(TaskMetricsReader).snapshot(now);
      expect(snapshot.workersOnline).toBe(2);
      expect(snapshot.running).toEqual({
        system: 1,
        missions: 0,
        agents: 0,
        default: 2,
        maintenance: 0,
      });
      expect(snapshot.oldestRunningSeconds).toEqual({ 'tests.sleep': 40, 'tests.add': 1 });
      expect(snapshot.queues.map((q) => q.queue)).toEqual([
        'system',
        'missions',
        'agents',
        'default',
        'maintenance',
      ]);

      // Runs that ended leave the active lists at once; workers gone leave with their beats.
      for (const { job, token } of taken.splice(0)) await job.moveToCompleted('done', token, false);
      await directory.remove('a@test');
      await directory.remove('b@test');
      const after = await app.get(TaskMetricsReader).snapshot(now);
      expect(after.workersOnline).toBe(0);
      expect(after.oldestRunningSeconds).toEqual({});
    } finally {
      for (const { job, token } of taken) await job.moveToFailed(new Error('test over'), token);
      await Promise.all(takers.map((t) => t.close()));
    }
  });
});
