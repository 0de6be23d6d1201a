// The API's enqueue throughput: POST /api/tasks/execute from a local load generator (autocannon)
// against a real `brain api start` process, on a private redis-server and a temporary SQLite
// database. Prints figures; asserts nothing. Called by bench.js (or alone: node bench/api-bench.js).
const { spawn } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');

const DIST = join(__dirname, '..', 'dist', 'apps', 'cli', 'apps', 'cli', 'src', 'dev');
const { freePort } = require(join(DIST, 'free-port'));

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 20);
const KEY = 'bench-admin-key-0123456789abcdef';

async function startApi(redisUrl, port) {
  const dir = mkdtempSync(join(tmpdir(), 'brain-api-bench-'));
  const child = spawn(process.execPath, [join(__dirname, '..', 'bin', 'brain.js'), 'api', 'start', '--port', String(port)], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      DATABASE_URL: `sqlite://${join(dir, 'brain.db')}`,
      ADMIN_API_KEY: KEY,
      BRAIN_PREFIX: 'bench-api',
      API_HOST: '127.0.0.1',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      out += chunk;
      if (/API listening on/.test(out)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`api exited (${code}):\n${out}`)));
  });
  return child;
}

async function apiBench(redisUrl) {
  const port = await freePort();
  const api = await startApi(redisUrl, port);
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/api/tasks/execute`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ task_name: 'backend.app.tasks.system_tasks.test_task', kwargs: { wait_seconds: 0 } }),
    });
    const non2xx = result.non2xx + result.errors;
    console.log(
      `API POST /api/tasks/execute: ${result.requests.average.toFixed(0)} requests/s (${CONNECTIONS} connections, ${SECONDS} s), ` +
        `latency median ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${non2xx} not 201`,
    );
    return result;
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
  }
}

module.exports = { apiBench };

if (require.main === module) {
  const { startEmbeddedRedis } = require(join(DIST, 'embedded-redis'));
  (async () => {
    const redis = process.env.BENCH_REDIS_URL
      ? { url: process.env.BENCH_REDIS_URL, stop: async () => undefined }
      : await startEmbeddedRedis({ dir: mkdtempSync(join(tmpdir(), 'brain-bench-')), install: true });
    try {
      await apiBench(redis.url);
    } finally {
      await redis.stop();
    }
  })().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
