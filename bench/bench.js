#!/usr/bin/env node
// npm run bench: no-op drain rate and round-trip latency, this engine beside raw BullMQ, on one
// private redis-server; durable sending's cost on a master + replica (BENCH_ONLY=durable: that
// alone); the spread over a local Redis Cluster's masters (BENCH_ONLY=cluster). Prints figures;
// asserts nothing. Needs `npm run build` first.
require('reflect-metadata');
const { join } = require('node:path');
const { mkdtempSync } = require('node:fs');
const { tmpdir, availableParallelism } = require('node:os');
const { Queue, Worker, QueueEvents } = require('bullmq');

const DIST = join(__dirname, '..', 'dist', 'apps', 'cli');
const lib = (p) => require(join(DIST, p));
const N = Number(process.env.BENCH_JOBS ?? 20000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/**
 * Child processes of the prefork run: one per core but the one left to the redis-server this bench
 * runs beside (raw BullMQ, one process, never competes with Redis for a core). On 2 cores a second
 * child costs more than it brings: each task then costs about 40% more CPU, from context switches
 * (see the "children = cores" line, and the CPU per task figures).
 */
const PREFORK_CONCURRENCY = Number(
  process.env.BENCH_PREFORK_CONCURRENCY ?? Math.max(1, availableParallelism() - 1),
);
/**
 * Tasks each child holds (the worker's --prefetch-multiplier). By default as many tasks are in
 * flight in all as raw BullMQ's concurrency (16 = 2 children x 8): no-op tasks make the round
 * trip ending each task the whole cost, and tasks in flight are what hides it.
 */
const PREFETCH = Number(
  process.env.BENCH_PREFETCH ?? Math.max(1, Math.round(CONCURRENCY / PREFORK_CONCURRENCY)),
);
/** Raw and engine alternate this many times; medians are reported, as this machine is noisy. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p99: at(0.99) };
}

/** CPU seconds used so far by a process and, with `children`, its child processes but `except` (Linux /proc). */
function cpuSeconds(pid, children = false, except = -1) {
  const { readFileSync, readdirSync } = require('node:fs');
  const stat = (p) => {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      return s.slice(s.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined;
    }
  };
  let ticks = 0;
  for (const p of children ? readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : [String(pid)]) {
    const f = stat(p);
    if (f && p !== String(except) && (p === String(pid) || f[1] === String(pid))) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100; // USER_HZ
}

/** Measures what a drain costs in CPU, per task: Redis's, and the worker's (children included). */
async function cpuMeter(redisClient) {
  const info = await redisClient.info('server');
  const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  // The embedded redis-server is a child of this process too: counted apart.
  const read = () => ({ redis: cpuSeconds(redisPid), worker: cpuSeconds(process.pid, true, redisPid) });
  const start = read();
  return (tasks) => {
    const end = read();
    const us = (k) => ((end[k] - start[k]) / tasks) * 1e6;
    return { redisCpuUs: us('redis'), workerCpuUs: us('worker') };
  };
}

async function waitDrained(queue) {
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
    if (c.waiting + c.prioritized + c.active + c.delayed === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rawBullmq(connection) {
  const prefix = 'bench-raw';
  const queue = new Queue('default', { connection, prefix });
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, N - i) }, () => ({ name: 'noop', data: {}, opts: { removeOnComplete: true } })));
  }
  const enqueueRate = N / ((performance.now() - t0) / 1000);
  const meter = await cpuMeter(await queue.getBackend().client);
  const t1 = performance.now();
  const worker = new Worker('default', async () => null, { connection, prefix, concurrency: CONCURRENCY });
  await waitDrained(queue);
  const drainRate = N / ((performance.now() - t1) / 1000);
  const cpu = meter(N);
  const events = new QueueEvents('default', { connection, prefix });
  await events.waitUntilReady();
  const rtt = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const s = performance.now();
    const job = await queue.add('noop', {}, { removeOnComplete: false });
    await job.waitUntilFinished(events);
    rtt.push(performance.now() - s);
  }
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { enqueueRate, drainRate, ...cpu, ...stats(rtt) };
}

async function engine(redisUrl, taskName = 'bench.noop', pool = 'inline', children = PREFORK_CONCURRENCY, prefetch = PREFETCH) {
  const { NestFactory } = require('@nestjs/core');
  const { Module } = require('@nestjs/common');
  const tasks = lib('libs/tasks/src');
  const noop = require('./noop-tasks').register(tasks);
  const prefix = 'bench-engine';
  const options = { redisUrl, prefix, resultExpires: 600 };

  class SenderModule {}
  Module({ imports: [tasks.TasksModule.forRoot(options), noop] })(SenderModule);
  class WorkerModule {}
  Module({ imports: [tasks.TasksModule.forRoot(options), tasks.TaskWorkerModule, noop] })(WorkerModule);

  const sender = await NestFactory.createApplicationContext(SenderModule, { logger: ['error'] });
  const client = sender.get(tasks.TaskClient);
  const queue = sender.get(tasks.QueueRegistry).get('default');

  const t0 = performance.now();
  for (let i = 0; i < N; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, N - i) }, () => client.applyAsync(taskName)));
  }
  const enqueueRate = N / ((performance.now() - t0) / 1000);

  const workerApp = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
  const worker = workerApp.get(tasks.TaskWorker);
  const profiler = process.env.BENCH_PROFILE ? await startProfile() : undefined;
  await worker.start({
    queues: ['system', 'missions', 'agents', 'default', 'maintenance'],
    concurrency: pool === 'inline' ? CONCURRENCY : children,
    hostname: 'bench',
    pool:
      pool === 'inline'
        ? undefined
        : {
            implementation: pool,
            prefetchMultiplier: prefetch,
            childEntry: join(DIST, 'apps', 'worker', 'src', 'pool-child.js'),
            childEnv: { ...process.env, REDIS_URL: redisUrl, BRAIN_PREFIX: prefix, BRAIN_INCLUDE: join(__dirname, 'noop-tasks.js') },
          },
  });
  // Pool children boot inside start(): count from its end, only what was left by then.
  const meter = await cpuMeter(sender.get(tasks.RedisConnection).client);
  const t1 = performance.now();
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active');
  const left = c.waiting + c.prioritized + c.active;
  await waitDrained(queue);
  const drainRate = left / ((performance.now() - t1) / 1000);
  const cpu = meter(left);
  if (profiler) await profiler.stop(`${process.env.BENCH_PROFILE}.${pool}.${taskName}`);

  const events = new QueueEvents('default', { connection: sender.get(tasks.RedisConnection).connectionOptions, prefix });
  await events.waitUntilReady();
  // A fast worker may finish a task before applyAsync has answered its id: remember every
  // completion, then look the id up.
  const completed = new Set();
  let onCompleted = () => undefined;
  events.on('completed', ({ jobId }) => {
    completed.add(jobId);
    onCompleted();
  });
  const rtt = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const s = performance.now();
    const id = (await client.applyAsync(taskName)).task_id;
    while (!completed.has(id)) await new Promise((resolve) => (onCompleted = resolve));
    completed.delete(id);
    rtt.push(performance.now() - s);
  }
  await events.close();
  await worker.stop();
  await workerApp.close();
  await queue.obliterate({ force: true });
  await sender.close();
  return { enqueueRate, drainRate, ...cpu, ...stats(rtt) };
}

/** BENCH_PROFILE=file.cpuprofile: a CPU profile of the engine's drain phase only. */
async function startProfile() {
  const { Session } = require('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      require('node:fs').writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function main() {
  if (process.env.BENCH_ONLY === 'cluster') return clusterBench();
  const { startEmbeddedRedis } = lib('apps/cli/src');
  const redis = process.env.BENCH_REDIS_URL
    ? { url: process.env.BENCH_REDIS_URL, stop: async () => undefined }
    : await startEmbeddedRedis({ dir: mkdtempSync(join(tmpdir(), 'brain-bench-')), install: true });
  const u = new URL(redis.url);
  const connection = { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
  try {
    if (process.env.BENCH_ONLY === 'durable') return await require('./durable-bench').durableBench();
    console.log(`bench: ${N} no-op tasks, concurrency ${CONCURRENCY} (prefork: ${PREFORK_CONCURRENCY} children, prefetch ${PREFETCH}), ${ROUND_TRIPS} round trips, ${ROUNDS} rounds (medians), ${availableParallelism()} cores, one redis-server`);
    const skip = { enqueueRate: NaN, drainRate: NaN, median: NaN, p99: NaN, redisCpuUs: NaN, workerCpuUs: NaN };
    const raws = [];
    const ourss = [];
    const preforks = [];
    for (let round = 0; round < ROUNDS; round++) {
      const only = process.env.BENCH_ONLY;
      raws.push(!only || only === 'raw' ? await rawBullmq(connection) : skip);
      ourss.push(!only || only === 'engine' || only === 'inline' ? await engine(redis.url) : skip);
      preforks.push(!only || only === 'engine' || only === 'prefork' ? await engine(redis.url, 'bench.noop', process.env.BENCH_POOL ?? 'prefork') : skip);
    }
    const mid = (runs) => {
      const pick = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
      return { enqueueRate: pick('enqueueRate'), drainRate: pick('drainRate'), median: pick('median'), p99: pick('p99'), redisCpuUs: pick('redisCpuUs'), workerCpuUs: pick('workerCpuUs') };
    };
    const raw = mid(raws);
    const ours = mid(ourss);
    const prefork = mid(preforks);
    console.log(`drain/s per round: raw ${raws.map((r) => r.drainRate.toFixed(0)).join(', ')}; inline ${ourss.map((r) => r.drainRate.toFixed(0)).join(', ')}; prefork ${preforks.map((r) => r.drainRate.toFixed(0)).join(', ')}`);
    const f = (n) => n.toFixed(0).padStart(8);
    const ms = (n) => n.toFixed(2).padStart(8);
    console.log('                 enqueue/s  drain/s  rtt median ms  rtt p99 ms');
    console.log(`raw BullMQ        ${f(raw.enqueueRate)} ${f(raw.drainRate)}      ${ms(raw.median)}    ${ms(raw.p99)}`);
    console.log(`BRAiN (inline)    ${f(ours.enqueueRate)} ${f(ours.drainRate)}      ${ms(ours.median)}    ${ms(ours.p99)}`);
    console.log(`BRAiN (prefork)   ${f(prefork.enqueueRate)} ${f(prefork.drainRate)}      ${ms(prefork.median)}    ${ms(prefork.p99)}`);
    // Steadier than rates on a busy machine: what each task costs, whatever else runs.
    const cost = (r) => `redis ${r.redisCpuUs.toFixed(0)} + worker ${r.workerCpuUs.toFixed(0)}`;
    console.log(`CPU µs per task while draining: raw ${cost(raw)}; inline ${cost(ours)}; prefork ${cost(prefork)}`);
    // Rounds alternate raw and engine, so a pair shares the machine's mood: the median of the
    // per-round ratios is steadier than a ratio of medians.
    const ratios = raws.map((r, i) => ourss[i].drainRate / r.drainRate).sort((a, b) => a - b);
    const preforkRatios = raws.map((r, i) => preforks[i].drainRate / r.drainRate).sort((a, b) => a - b);
    console.log(
      `drain ratio (BRAiN / raw), median of rounds: ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}x ` +
        `(rounds: ${raws.map((r, i) => (ourss[i].drainRate / r.drainRate).toFixed(2)).join(', ')})`,
    );
    console.log(
      `prefork drain ratio (BRAiN prefork / raw), median of rounds: ${preforkRatios[Math.floor(preforkRatios.length / 2)].toFixed(2)}x`,
    );
    if (!process.env.BENCH_ONLY) {
      await require('./api-bench').apiBench(redis.url);
      await require('./durable-bench').durableBench();
      clusterBench();
      const kept = await engine(redis.url, 'bench.noop_kept');
      console.log(`BRAiN, results kept ${f(kept.enqueueRate)} ${f(kept.drainRate)}      ${ms(kept.median)}    ${ms(kept.p99)}  (one round)`);
      const cores = availableParallelism();
      if (cores !== PREFORK_CONCURRENCY) {
        const perChild = Math.max(1, Math.round(CONCURRENCY / cores));
        const all = await engine(redis.url, 'bench.noop', 'prefork', cores, perChild);
        console.log(
          `BRAiN (prefork, children = cores: ${cores} x prefetch ${perChild}) ${f(all.drainRate)} drain/s, ` +
            `${(all.drainRate / raw.drainRate).toFixed(2)}x raw's median, CPU µs per task ${cost(all)}  (one round)`,
        );
      }
    }
  } finally {
    await redis.stop();
  }
}

/** The cluster bench (bench/cluster.bench.ts): Jest runs it, to start the cluster as the tests do. */
function clusterBench() {
  const { spawnSync } = require('node:child_process');
  const jest = require.resolve('jest/bin/jest');
  const run = spawnSync(process.execPath, [jest, '-c', join(__dirname, 'jest.bench.config.js'), '--silent=false'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('the cluster bench failed');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
