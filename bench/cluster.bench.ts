/**
 * `BENCH_ONLY=cluster npm run bench`: the no-op drain on a local Redis Cluster (3 masters, 3
 * replicas), raw BullMQ beside the engine with 1 and 3 partitions (REDIS_PARTITIONS), printing the
 * drain rate and each master's share of the commands it served (INFO commandstats). Prints
 * figures only. Run by Jest (`bench/jest.bench.config.js`) to reuse the test harness that starts
 * the cluster.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue, Worker } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import { Injectable } from '@nestjs/common';
import {
  parseRedisUrl,
  QUEUE_NAMES,
  Task,
  TaskClient,
  TasksModule,
  TaskWorker,
  TaskWorkerModule,
} from '@brain/tasks';
import { RedisCluster } from '../test/support/topology/redis-cluster';

const N = Number(process.env.BENCH_CLUSTER_JOBS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PARTITIONS = (process.env.BENCH_CLUSTER_PARTITIONS ?? '1,3').split(',').map(Number);

/** Tasks the bench's worker ran (the worker runs in this process). */
let ran = 0;
let onRan: () => void = () => undefined;

@Injectable()
class ClusterBenchTasks {
  @Task({ name: 'bench.cluster_noop', queue: 'default', ignoreResult: true })
  noop(): null {
    ran += 1;
    if (ran >= N) onRan();
    return null;
  }
}

@Module({ providers: [ClusterBenchTasks] })
class ClusterBenchTasksModule {}

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Commands each master served since its last CONFIG RESETSTAT (the bench's own INFO/CONFIG aside). */
async function commandsPerMaster(masters: Redis[]): Promise<number[]> {
  return Promise.all(
    masters.map(async (m) => {
      const text = await m.info('commandstats');
      let calls = 0;
      for (const [, command, count] of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
        if (!/^(info|config\|.*|cluster\|.*|ping|client\|.*)$/.test(command))
          calls += Number(count);
      }
      return calls;
    }),
  );
}

/** CPU seconds each master has used (INFO cpu: user + system). */
async function cpuPerMaster(masters: Redis[]): Promise<number[]> {
  return Promise.all(
    masters.map(async (m) => {
      const text = await m.info('cpu');
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1]);
      return field('used_cpu_user') + field('used_cpu_sys');
    }),
  );
}

async function measured(
  masters: Redis[],
  label: string,
  run: () => Promise<{ drainRate: number }>,
): Promise<void> {
  await Promise.all(masters.map((m) => m.config('RESETSTAT')));
  const cpuBefore = await cpuPerMaster(masters);
  const { drainRate } = await run();
  const cpu = (await cpuPerMaster(masters)).map((c, i) => c - cpuBefore[i]);
  const calls = await commandsPerMaster(masters);
  const total = calls.reduce((a, b) => a + b, 0);
  const shares = calls.map((c) => `${((100 * c) / total).toFixed(1)}%`).join(' / ');
  // The capacity model: each master is one core; the tasks cost what they cost Redis in all,
  // shared by the masters that serve them, so the ceiling is (masters used) x 1 s / that cost.
  const cpuUsPerTask = (cpu.reduce((a, b) => a + b, 0) / N) * 1e6;
  const used = calls.filter((c) => c > total * 0.05).length;
  print(
    `${label.padEnd(24)} ${drainRate.toFixed(0).padStart(6)} drain/s   commands per master: ${shares}` +
      `   ${(total / N).toFixed(1)} commands and ${cpuUsPerTask.toFixed(0)} µs of Redis CPU per task,` +
      ` over ${used} master(s): ceiling ~${((used * 1e6) / cpuUsPerTask).toFixed(0)} tasks/s with a core each`,
  );
}

async function rawBullmq(url: string, password: string): Promise<{ drainRate: number }> {
  const parsed = parseRedisUrl(url);
  if (parsed.kind !== 'cluster') throw new Error(`not a cluster URL: ${parsed.kind}`);
  const connection = new Cluster(parsed.nodes, {
    redisOptions: { password, maxRetriesPerRequest: null },
  });
  // BullMQ on a cluster: a queue in one hash slot (bullmq#1670), so on one master.
  const prefix = '{bench-raw}';
  const queue = new Queue('default', { connection, prefix });
  for (let i = 0; i < N; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, N - i) }, () => ({
        name: 'noop',
        data: {},
        opts: { removeOnComplete: true },
      })),
    );
  }
  let done = 0;
  const t0 = performance.now();
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('default', async () => null, {
      connection,
      prefix,
      concurrency: CONCURRENCY,
    });
    worker.on('completed', () => {
      done += 1;
      if (done >= N) void worker.close().then(() => resolve());
    });
  });
  await finished;
  const drainRate = N / ((performance.now() - t0) / 1000);
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return { drainRate };
}

async function engine(url: string, partitions: number): Promise<{ drainRate: number }> {
  const options = { redisUrl: url, prefix: `bench-p${partitions}`, resultExpires: 600, partitions };
  @Module({ imports: [TasksModule.forRoot(options), TaskWorkerModule, ClusterBenchTasksModule] })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  try {
    const client = app.get(TaskClient);
    for (let i = 0; i < N; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, N - i) }, () => client.applyAsync('bench.cluster_noop')),
      );
    }
    ran = 0;
    const drained = new Promise<void>((resolve) => (onRan = resolve));
    const t0 = performance.now();
    await app
      .get(TaskWorker)
      .start({ queues: QUEUE_NAMES, concurrency: CONCURRENCY, hostname: `bench-p${partitions}` });
    await drained;
    const drainRate = N / ((performance.now() - t0) / 1000);
    await app.get(TaskWorker).stop();
    return { drainRate };
  } finally {
    await app.close();
  }
}

it('cluster bench (prints figures)', async () => {
  const cluster = await RedisCluster.start();
  const masters = (await cluster.masters()).map((m) => m.node.client());
  try {
    print(
      `cluster bench: ${N} no-op tasks, concurrency ${CONCURRENCY}, 3 masters + 3 replicas on this machine`,
    );
    await measured(masters, 'raw BullMQ (one queue)', () =>
      rawBullmq(cluster.url, cluster.password),
    );
    for (const p of PARTITIONS) {
      await measured(masters, `BRAiN, ${p} partition${p > 1 ? 's' : ''}`, () =>
        engine(cluster.url, p),
      );
    }
  } finally {
    masters.forEach((m) => m.disconnect());
    await cluster.stop();
  }
}, 1_800_000);
