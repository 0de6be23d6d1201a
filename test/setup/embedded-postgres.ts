import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../../apps/cli/src';

export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication). */
  url: string;
  port: number;
  /** Fast shutdown; resolves once the server has stopped. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** An empty directory for the cluster, its socket and its log. */
  dir: string;
  log?: (message: string) => void;
}

/** Where Debian and Ubuntu put each major version's server binaries. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const START_TIMEOUT_S = 30;
const PORT_ATTEMPTS = 3;
const SYSTEM_USER = 'postgres';
const run = promisify(execFile);

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb, if any. */
export function findPostgresBinaries(): string | undefined {
  if (!existsSync(DEBIAN_POSTGRES_ROOT)) return undefined;
  return readdirSync(DEBIAN_POSTGRES_ROOT)
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(DEBIAN_POSTGRES_ROOT, version, 'bin'))
    .find((bin) => existsSync(join(bin, 'initdb')));
}

/**
 * A throw-away PostgreSQL cluster for one test run: initdb into `dir`, then pg_ctl on a free
 * port of 127.0.0.1 with durability off (fsync, full-page writes), since its data dies with
 * the run anyway. The server is killed when this process exits without calling stop().
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const bin = findPostgresBinaries();
  if (!bin) {
    throw new Error(
      `PostgreSQL server binaries not found under ${DEBIAN_POSTGRES_ROOT}/*/bin: ` +
        'install them (apt-get install postgresql) or set TEST_POSTGRES_URL',
    );
  }
  const dir = options.dir;
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  // initdb and postgres refuse to run as root: as root, run them as the postgres system user.
  const asServerUser = process.getuid?.() === 0;
  if (asServerUser) {
    const { uid, gid } = systemUser(SYSTEM_USER);
    chownSync(dir, uid, gid);
  }
  const pg = (tool: string, args: string[]) =>
    asServerUser
      ? run('runuser', ['-u', SYSTEM_USER, '--', join(bin, tool), ...args])
      : run(join(bin, tool), args);

  await pg('initdb', [
    ...['-D', data, '-U', SYSTEM_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
    '--no-sync',
    '--no-instructions',
  ]).catch((err: Error) => {
    throw new Error(`initdb failed: ${err.message}`);
  });

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = [
      ...['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ...['-c', 'shared_buffers=32MB', '-c', 'max_connections=100'],
    ].join(' ');
    try {
      await pg('pg_ctl', [
        ...['start', '-D', data, '-l', logFile, '-w', '-t', String(START_TIMEOUT_S)],
        ...['-o', settings],
      ]);
    } catch (err) {
      const portTaken = /address already in use/i.test(tail(logFile));
      if (!portTaken || attempt >= PORT_ATTEMPTS) {
        throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${tail(logFile)}`);
      }
      continue;
    }
    const killOnExit = (): void => killPostmaster(data);
    process.on('exit', killOnExit);
    const url = `postgres://${SYSTEM_USER}@127.0.0.1:${port}/postgres`;
    try {
      await assertAnswers(url);
    } catch (err) {
      killPostmaster(data);
      throw err;
    }
    log(`PostgreSQL listening on 127.0.0.1:${port}, data in ${data}`);
    return {
      url,
      port,
      stop: async () => {
        process.off('exit', killOnExit);
        await pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']).catch(() =>
          killPostmaster(data),
        );
      },
    };
  }
}

/** Immediate shutdown (SIGQUIT to the postmaster), usable from an 'exit' handler. */
function killPostmaster(data: string): void {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // already gone
  }
}

async function assertAnswers(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function systemUser(name: string): { uid: number; gid: number } {
  const id = (flag: string): number => {
    const out = spawnSync('id', [flag, name], { encoding: 'utf8' });
    const value = Number(out.stdout.trim());
    if (out.status !== 0 || !Number.isInteger(value)) {
      throw new Error(`no "${name}" system user (it comes with the postgresql package)`);
    }
    return value;
  };
  return { uid: id('-u'), gid: id('-g') };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
