import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { liveProcesses } from './live-processes';
import { waitFor } from './wait';

export interface PrivateRedisOptions {
  /** More redis-server arguments (`--replicaof 127.0.0.1 6380`, `--cluster-enabled yes`, ...). */
  args?: string[];
  /** requirepass and masterauth: the node and its replicas authenticate with it. */
  password?: string;
  /** Working directory (cluster config files, sentinel config); the server's own when unset. */
  dir?: string;
}

/**
 * A redis-server of one suite's own: stopping it leaves the other suites alone, and what it
 * counts (INFO stats) is that suite's traffic only. Topologies (replicas, Sentinel, Cluster) are
 * built from these by test/support/topology.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly options: PrivateRedisOptions = {},
  ) {}

  get url(): string {
    const auth = this.options.password ? `:${encodeURIComponent(this.options.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** Whether the server process is running. */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    const { password, dir } = this.options;
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    if (password) args.push('--requirepass', password, '--masterauth', password);
    this.child = spawn('redis-server', [...args, ...(this.options.args ?? [])], {
      stdio: 'ignore',
      cwd: dir,
    });
    // Killed by the test environment if the file ends without stopping it (a failed beforeAll).
    const live = { child: this.child, detached: false, command: `redis-server :${this.port}` };
    liveProcesses().add(live);
    this.child.on('exit', () => liveProcesses().delete(live));
    await waitFor(
      async () => ((await this.ask((client) => client.ping())) === 'PONG' ? true : undefined),
      `redis-server on port ${this.port} to answer`,
    );
  }

  /** A client of this node alone (the caller disconnects it). */
  client(options: { lazyConnect?: boolean; retryStrategy?: () => null } = {}): Redis {
    return new Redis(this.port, '127.0.0.1', { password: this.options.password, ...options });
  }

  /** `fn` on a one-off connection to this node; undefined when the node does not answer. */
  async ask<T>(fn: (client: Redis) => Promise<T>): Promise<T | undefined> {
    const client = this.client({ lazyConnect: true, retryStrategy: () => null });
    // A node that is down: connect() rejects, the event needs no report.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await fn(client);
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  }

  /** SIGKILL: the node dies as in a crash (no shutdown save, connections reset). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
