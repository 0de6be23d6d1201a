import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Command, CommandRunner, Option } from 'nest-commander';
import { redactUrl } from '@brain/tasks';
import { startEmbeddedRedis } from '../dev/embedded-redis';
import { runCommand } from '../cli-error';
import { EMBEDDED_REDIS_DIR, EMBEDDED_REDIS_URL_FILE, VAR_DIR } from '../redis-target';

const ADMIN_KEY_FILE = join(VAR_DIR, 'admin-api-key');
const MASTER_KEY_FILE = join(VAR_DIR, 'master-key');
const REDIS_PASSWORD_FILE = join(VAR_DIR, 'redis-password');

/** A local install's secret: made once, readable by its owner only, kept across runs. */
function localSecret(file: string, prefix = ''): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(VAR_DIR, { recursive: true });
  const secret = `${prefix}${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

interface Proc {
  name: string;
  child: ChildProcess;
}

/**
 * The whole system on one machine: a private redis-server when REDIS_URL is unset, then worker,
 * beat, API and monitoring UI as child processes. Ctrl-C (or SIGTERM) stops them gracefully, then redis.
 */
@Command({
  name: 'up',
  description: 'Run the whole system (embedded redis unless REDIS_URL is set)',
})
export class UpCommand extends CommandRunner {
  async run(
    _params: string[],
    options: { concurrency?: string; port?: string; dashboardPort?: string } = {},
  ): Promise<void> {
    await runCommand(async () => {
      let stopRedis: (() => Promise<void>) | undefined;
      if (!process.env.REDIS_URL) {
        mkdirSync(EMBEDDED_REDIS_DIR, { recursive: true });
        // A password, so that other local users cannot read task arguments or send tasks past
        // the API's keys and audit.
        const redis = await startEmbeddedRedis({
          dir: EMBEDDED_REDIS_DIR,
          install: true,
          password: localSecret(REDIS_PASSWORD_FILE),
        });
        writeFileSync(EMBEDDED_REDIS_URL_FILE, redis.url, { mode: 0o600 });
        process.env.REDIS_URL = redis.url;
        stopRedis = async () => {
          rmSync(EMBEDDED_REDIS_URL_FILE, { force: true });
          await redis.stop();
        };
        process.stdout.write(
          `redis      ${redactUrl(redis.url)} (embedded, data in ${EMBEDDED_REDIS_DIR}, password in ${REDIS_PASSWORD_FILE})\n`,
        );
      } else {
        process.stdout.write(`redis      ${redactUrl(process.env.REDIS_URL)}\n`);
      }
      const worker = ['worker', 'start', '--hostname', 'worker@%h'];
      if (options.concurrency) worker.push('--concurrency', options.concurrency);
      // Redis runs on this host too: one child per core would leave it none, and every task
      // would pay for the context switches (see the README's benchmark).
      else if (stopRedis)
        worker.push('--concurrency', String(Math.max(1, availableParallelism() - 1)));
      if (!process.env.ADMIN_API_KEY) {
        process.env.ADMIN_API_KEY = localSecret(ADMIN_KEY_FILE, 'brn_');
        process.stdout.write(`admin key  in ${ADMIN_KEY_FILE} (set ADMIN_API_KEY to choose one)\n`);
      }
      // The keyring's master key: every process must use the same one, or sealed secrets are lost.
      process.env.BRAIN_MASTER_KEY ||= localSecret(MASTER_KEY_FILE);
      const api = ['api', 'start'];
      if (options.port) api.push('--port', options.port);
      const dashboard = ['flower', 'start'];
      if (options.dashboardPort) dashboard.push('--port', options.dashboardPort);
      const procs: Proc[] = [
        { name: 'worker', child: this.spawnSelf(worker) },
        { name: 'beat', child: this.spawnSelf(['beat', 'start']) },
        { name: 'api', child: this.spawnSelf(api) },
        { name: 'dashboard', child: this.spawnSelf(dashboard) },
      ];
      const port = options.port ?? process.env.PORT ?? '8000';
      const dashboardPort = options.dashboardPort ?? process.env.DASHBOARD_PORT ?? '5555';
      process.stdout.write(
        `worker     pid ${procs[0].child.pid} (all queues)\nbeat       pid ${procs[1].child.pid}\n` +
          `api        pid ${procs[2].child.pid}, http://localhost:${port} (docs /api/docs)\n` +
          `dashboard  pid ${procs[3].child.pid}, http://localhost:${dashboardPort} (log in with an API key)\n`,
      );
      process.stdout.write('Ctrl-C stops everything.\n');
      const code = await this.supervise(procs);
      await stopRedis?.();
      return code;
    });
  }

  @Option({
    flags: '-c, --concurrency <n>',
    description: 'worker concurrency (default one child per core, but one with the embedded redis)',
  })
  parseConcurrency(value: string): string {
    return value;
  }

  @Option({ flags: '-p, --port <port>', description: 'API port (default PORT, 8000)' })
  parsePort(value: string): string {
    return value;
  }

  @Option({
    flags: '--dashboard-port <port>',
    description: 'monitoring UI port (default DASHBOARD_PORT, 5555)',
  })
  parseDashboardPort(value: string): string {
    return value;
  }

  private spawnSelf(args: string[]): ChildProcess {
    return spawn(process.execPath, [process.argv[1], ...args], {
      stdio: 'inherit',
      env: process.env,
    });
  }

  /** Waits for a signal or for any child to die, then stops the rest; answers the exit code. */
  private supervise(procs: Proc[]): Promise<number> {
    return new Promise((resolve) => {
      let stopping = false;
      let code = 0;
      let alive = procs.length;
      const stopAll = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        for (const p of procs) if (p.child.exitCode === null) p.child.kill(signal);
      };
      for (const p of procs) {
        p.child.on('exit', (exitCode, signal) => {
          if (!stopping) {
            process.stderr.write(
              `brain: ${p.name} exited (${signal ?? exitCode}); stopping the rest\n`,
            );
            code = 1;
            stopAll('SIGTERM');
          }
          if (--alive === 0) resolve(code);
        });
      }
      process.once('SIGINT', () => stopAll('SIGTERM'));
      process.once('SIGTERM', () => stopAll('SIGTERM'));
    });
  }
}
