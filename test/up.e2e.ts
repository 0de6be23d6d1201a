import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from './support/api-process';
import { BrainProcess } from './support/brain-process';
import { clientApp, tasks, waitForState } from './support/client-app';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

describe('brain up: the whole system on embedded defaults (real processes)', () => {
  it('starts a private redis, worker, beat and API; runs a task; Ctrl-C stops them all and redis', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'brain-up-'));
    const prefix = uniquePrefix('up');
    const [port, dashboardPort] = await Promise.all([freePort(), freePort()]);
    // No REDIS_URL nor ADMIN_API_KEY: `up` must start its own redis-server and make a key.
    const up = new BrainProcess(
      ['up', '--port', String(port), '--dashboard-port', String(dashboardPort)],
      prefix,
      {
        REDIS_URL: '',
        ADMIN_API_KEY: '',
        BRAIN_VAR_DIR: varDir,
      },
      true,
    );
    try {
      await up.waitForOutput(
        /worker \S+ ready: queues system, missions, agents, default, maintenance/,
      );
      await up.waitForOutput(/schedule\(s\) registered/);
      expect(up.log).toMatch(/redis +redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(embedded/);
      // Its redis runs on this host: the worker leaves it a core.
      const children = Math.max(1, availableParallelism() - 1);
      expect(up.log).toMatch(new RegExp(`ready: queues .*, concurrency ${children}, pool prefork`));
      await up.waitForOutput(/API listening on/);
      const adminKey = readFileSync(join(varDir, 'admin-api-key'), 'utf8').trim();
      expect(up.log).not.toContain(adminKey);
      const api = request(`http://127.0.0.1:${port}`);
      await api.get('/health').expect(200);
      const viaApi = await api
        .post('/api/tasks/execute')
        .set('Authorization', `Bearer ${adminKey}`)
        .send({ task_name: 'backend.app.tasks.system_tasks.health_check' })
        .expect(201);
      await waitFor(async () => {
        const res = await api
          .get(`/api/tasks/${viaApi.body.task_id as string}`)
          .set('Authorization', `Bearer ${adminKey}`);
        return res.body.status === 'SUCCESS' ? true : undefined;
      }, 'the task sent through the API to succeed');

      // The monitoring UI, behind the same keys.
      await up.waitForOutput(/Dashboard listening on/);
      // Every process has started by now: what they said is for an operator, without Nest's
      // line per module and route (LOG_LEVEL=debug shows those).
      expect(up.log).not.toMatch(/InstanceLoader|RoutesResolver|RouterExplorer/);
      expect(up.log).toContain(`dashboard  pid`);
      expect(up.log).toContain(`http://localhost:${dashboardPort}`);
      const ui = `http://127.0.0.1:${dashboardPort}`;
      const page = await request(ui).get('/').expect(200);
      expect(page.text).toContain('js/main.js');
      const login = await request(ui)
        .post('/api/session')
        .set('Origin', ui)
        .send({ api_key: adminKey })
        .expect(200);
      expect(login.body).toMatchObject({ name: 'ADMIN_API_KEY', role: 'admin' });
      const url = readFileSync(join(varDir, 'redis', 'url'), 'utf8').trim();
      // Its redis has a password, kept in var/ for its owner only and never printed: a local
      // user without it reads nothing.
      const password = readFileSync(join(varDir, 'redis-password'), 'utf8').trim();
      expect(statSync(join(varDir, 'redis-password')).mode & 0o077).toBe(0);
      expect(statSync(join(varDir, 'redis', 'url')).mode & 0o077).toBe(0);
      expect(decodeURIComponent(new URL(url).password)).toBe(password);
      expect(up.log).not.toContain(password);
      expect(await redisAnswer(url, '*1\r\n$4\r\nPING\r\n')).toMatch(/^-NOAUTH/);

      const app = await clientApp(prefix, 3600, url);
      try {
        const { client, results } = tasks(app);
        const sent = await client.applyAsync('backend.app.tasks.system_tasks.test_task', {
          kwargs: { wait_seconds: 0 },
        });
        expect((await waitForState(results, sent.task_id, ['SUCCESS'])).result).toMatchObject({
          waited_seconds: 0,
        });
      } finally {
        await app.close();
      }

      // Ctrl-C in a terminal signals the whole process group: up and every process it started.
      process.kill(-up.child.pid!, 'SIGINT');
      expect(await up.exit()).toBe(0);
      expect(up.log).not.toMatch(/Stream isn't writeable|ECONNREFUSED/);
      expect(existsSync(join(varDir, 'redis', 'url'))).toBe(false);
      // Its redis is gone: the port refuses connections. (A plain socket: an ioredis client left
      // a 2 s timer behind its failed connection, which could hold Jest's worker at the end.)
      const redis = new URL(url);
      const refused = new Promise<never>((_, reject) => {
        const socket = connect(Number(redis.port), redis.hostname);
        socket.once('connect', () => {
          socket.destroy();
          reject(new Error('still listening'));
        });
        socket.once('error', reject);
      });
      await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      // A failed run leaves nothing behind: up and what it started (its group), then its redis.
      try {
        process.kill(-up.child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already: the run stopped them all.
      }
      await up.exit().catch(() => undefined);
      await shutdownRedis(join(varDir, 'redis', 'url'));
    }
    // Five processes start, one after another's redis: past the default minute when loaded.
  }, 180_000);
});

/** SHUTDOWN NOSAVE to the redis whose URL the file holds (with its password), if still there. */
async function shutdownRedis(urlFile: string): Promise<void> {
  if (!existsSync(urlFile)) return;
  const url = readFileSync(urlFile, 'utf8').trim();
  const password = decodeURIComponent(new URL(url).password);
  const auth = `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
  await redisAnswer(url, `${auth}*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n`).catch(() => '');
}

/** What a redis answers to raw RESP commands on a plain socket (no AUTH of its own). */
function redisAnswer(url: string, commands: string): Promise<string> {
  const redis = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(redis.port), redis.hostname, () => socket.end(commands));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
