import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export interface EmbeddedRedisOptions {
  /** Data directory (append-only file, log); created when missing. */
  dir: string;
  /** Progress messages (install, start, stop). */
  log?: (message: string) => void;
  /** When redis-server is missing and we are root, install it with apt-get. */
  install?: boolean;
  /** Clients must AUTH with it (requirepass); it goes in a 0600 config file, never on argv. */
  password?: string;
}

export interface EmbeddedRedis {
  /** redis://[:PASSWORD@]127.0.0.1:PORT */
  url: string;
  port: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the server has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
const LOG_FILE = 'redis-server.log';
const run = promisify(execFile);

/**
 * Starts a private redis-server on a free port of 127.0.0.1, with its data under `dir`.
 * The server is killed when this process exits; call stop() to end it earlier.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const log = options.log ?? (() => undefined);
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const binary = findOnPath('redis-server') ?? (await installRedis(options.install === true, log));

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const redis = await launch(binary, port, dir, options.password);
      log(`redis-server listening on 127.0.0.1:${port}, data in ${dir}`);
      return redis;
    } catch (err) {
      // Another process may take the port between our probe and redis-server's bind.
      const portTaken = err instanceof Error && /address already in use/i.test(err.message);
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function launch(
  binary: string,
  port: number,
  dir: string,
  password: string | undefined,
): Promise<EmbeddedRedis> {
  const logFile = join(dir, LOG_FILE);
  // Other local users see a process's arguments: the password is read from a private file.
  const conf = join(dir, 'redis.conf');
  writeFileSync(conf, password ? `requirepass ${password}\n` : '', { mode: 0o600 });
  const fd = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(
      binary,
      [
        conf,
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        ...['--save', '', '--appendonly', 'yes', '--daemonize', 'no'],
      ],
      // A process group of its own: Ctrl-C on `brain up` must not stop Redis before the worker,
      // beat and API have stopped with it (up stops it last).
      { stdio: ['ignore', fd, fd], detached: true },
    );
  } finally {
    closeSync(fd);
  }
  // Never keep this process alive for redis' sake; the exit hook below ends it.
  child.unref();

  let exit: string | undefined;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
      done();
    });
    child.once('error', (err) => {
      exit = err.message;
      done();
    });
  });
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.on('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (exit !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersPing(port, child.pid, password))) {
    if (exit !== undefined) {
      process.off('exit', killOnExit);
      throw new Error(`redis-server exited (${exit}) before it was ready:\n${tail(logFile)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `redis-server did not answer PING within ${READY_TIMEOUT_MS / 1000} s:\n${tail(logFile)}`,
      );
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
  const auth = password ? `:${encodeURIComponent(password)}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, port, stop };
}

/** True once our redis-server (not another process that took the port) answers PING. */
async function answersPing(
  port: number,
  pid: number | undefined,
  password: string | undefined,
): Promise<boolean> {
  const client = new Redis({
    password,
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1_000,
    // Our PING is the readiness check; ioredis' own leaves a timer behind while Redis loads.
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return false;
    return (await client.info('server')).includes(`process_id:${pid}\r\n`);
  } catch {
    return false;
  } finally {
    // After a refused connection the socket is gone; disconnect() would then arm a 2 s timer that
    // nothing clears, keeping this process alive.
    if (client.status !== 'end') client.disconnect();
  }
}

function findOnPath(
  command: string,
  folders = (process.env.PATH ?? '').split(delimiter),
): string | undefined {
  for (const folder of folders) {
    if (!folder) continue;
    const candidate = join(folder, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function installRedis(install: boolean, log: (message: string) => void): Promise<string> {
  const isRoot = process.getuid?.() === 0;
  if (!install || !isRoot || !findOnPath('apt-get')) {
    throw new Error(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: ' +
        '`sudo apt-get install -y redis-server`, macOS: `brew install redis`) ' +
        'or point REDIS_URL at a running Redis.',
    );
  }
  log('redis-server not found: installing it with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const maxBuffer = 64 * 1024 * 1024;
  try {
    await run('apt-get', ['update'], { env, maxBuffer });
    await run('apt-get', ['install', '-y', 'redis-server'], { env, maxBuffer });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`apt-get could not install redis-server: ${detail}`);
  }
  const binary =
    findOnPath('redis-server') ?? findOnPath('redis-server', ['/usr/bin', '/usr/sbin']);
  if (!binary) throw new Error('apt-get installed redis-server, but it is not on PATH');
  return binary;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
