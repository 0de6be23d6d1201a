// Durable sending's cost (REDIS_MIN_REPLICAS_ACK): the engine's enqueue rate and send latency with
// 0 and 1 replicas to wait for, on a private master + replica (two redis-server processes).
// Run by bench.js (`BENCH_ONLY=durable npm run bench` for this alone). Prints figures only.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { Redis } = require('ioredis');

const DIST = join(__dirname, '..', 'dist', 'apps', 'cli');
const lib = (p) => require(join(DIST, p));
const N = Number(process.env.BENCH_DURABLE_JOBS ?? 5000);
const SENDS = Number(process.env.BENCH_DURABLE_SENDS ?? 500);
const BATCH = 100;

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p99: at(0.99) };
}

async function until(probe, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A master and one replica on free ports; `stop()` kills both. */
async function startReplicatedRedis() {
  const { freePort } = lib('apps/cli/src');
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const children = [
    spawn('redis-server', ['--port', String(masterPort), ...base], { stdio: 'ignore' }),
    spawn('redis-server', ['--port', String(replicaPort), ...base, '--replicaof', '127.0.0.1', String(masterPort)], { stdio: 'ignore' }),
  ];
  const master = new Redis(masterPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  master.on('error', () => undefined); // refused until the server is up: polled below
  try {
    await until(async () => {
      if (master.status !== 'ready') await master.connect().catch(() => undefined);
      return /slave0:.*state=online/.test(await master.info('replication'));
    }, 'the replica to be online');
  } finally {
    master.disconnect();
  }
  return {
    url: `redis://127.0.0.1:${masterPort}`,
    stop: async () => children.forEach((c) => c.kill('SIGKILL')),
  };
}

async function sendRun(redisUrl, replicas) {
  const { NestFactory } = require('@nestjs/core');
  const { Module } = require('@nestjs/common');
  const tasks = lib('libs/tasks/src');
  const noop = require('./noop-tasks').register(tasks);
  const prefix = `bench-durable-${replicas}`;
  class SenderModule {}
  Module({
    imports: [tasks.TasksModule.forRoot({ redisUrl, prefix, resultExpires: 600, replicaAck: { replicas, timeoutMs: 1000 } }), noop],
  })(SenderModule);
  const app = await NestFactory.createApplicationContext(SenderModule, { logger: ['error'] });
  const client = app.get(tasks.TaskClient);
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, N - i) }, () => client.applyAsync('bench.noop')));
  }
  const enqueueRate = N / ((performance.now() - t0) / 1000);
  const latency = [];
  for (let i = 0; i < SENDS; i++) {
    const s = performance.now();
    await client.applyAsync('bench.noop');
    latency.push(performance.now() - s);
  }
  await app.get(tasks.QueueRegistry).get('default').obliterate({ force: true });
  await app.close();
  return { enqueueRate, ...stats(latency) };
}

async function durableBench() {
  const redis = await startReplicatedRedis();
  try {
    const off = await sendRun(redis.url, 0);
    const on = await sendRun(redis.url, 1);
    const f = (n) => n.toFixed(0).padStart(8);
    const ms = (n) => n.toFixed(2).padStart(8);
    console.log(`durable sending: master + 1 replica; ${N} sends ${BATCH} at a time, then ${SENDS} one at a time`);
    console.log('                            enqueue/s  send median ms  send p99 ms');
    console.log(`REDIS_MIN_REPLICAS_ACK=0    ${f(off.enqueueRate)}       ${ms(off.median)}     ${ms(off.p99)}`);
    console.log(`REDIS_MIN_REPLICAS_ACK=1    ${f(on.enqueueRate)}       ${ms(on.median)}     ${ms(on.p99)}`);
    console.log(
      `durable / plain: enqueue rate ${(on.enqueueRate / off.enqueueRate).toFixed(2)}x, ` +
        `send median ${(on.median / off.median).toFixed(2)}x, p99 ${(on.p99 / off.p99).toFixed(2)}x`,
    );
  } finally {
    await redis.stop();
  }
}

module.exports = { durableBench };
