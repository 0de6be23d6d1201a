import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../apps/cli/src';
import { liveProcesses } from '../live-processes';
import { PrivateRedis } from '../private-redis';
import { waitFor } from '../wait';

export interface SentinelGroupOptions {
  /** requirepass and masterauth of the data nodes. */
  password?: string;
  /**
   * The sentinels' own requirepass. By default the data nodes' (as most managed groups do); a
   * different one is given to the processes as REDIS_SENTINEL_PASSWORD.
   */
  sentinelPassword?: string;
  masterName?: string;
  /**
   * Replicas of the master (1 by default). With 2, the group still has a replica after a
   * failover, which durable sending (REDIS_MIN_REPLICAS_ACK=1) needs to go on.
   */
  replicas?: number;
}

/**
 * A Redis Sentinel group of the test's own, from the Debian redis-server binary: a master, its
 * replica(s) and three sentinels (quorum 2) on free ports, tuned to fail over within seconds.
 */
export class SentinelGroup {
  readonly password: string;
  readonly sentinelPassword: string;
  readonly masterName: string;
  readonly replicas: number;
  /** The data nodes; which one is master changes with failovers. */
  readonly nodes: PrivateRedis[] = [];
  readonly sentinelPorts: number[] = [];
  private readonly sentinels: ChildProcess[] = [];
  private dir = '';

  constructor(options: SentinelGroupOptions = {}) {
    this.password = options.password ?? 'sentinel-group-pw';
    this.sentinelPassword = options.sentinelPassword ?? this.password;
    this.masterName = options.masterName ?? 'brainmaster';
    this.replicas = options.replicas ?? 1;
  }

  /** redis-sentinel://:PASSWORD@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/MASTER_NAME */
  get url(): string {
    const hosts = this.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',');
    return `redis-sentinel://:${encodeURIComponent(this.password)}@${hosts}/${this.masterName}`;
  }

  /** What a process needs besides the URL (REDIS_SENTINEL_PASSWORD when it differs). */
  get env(): Record<string, string> {
    return this.sentinelPassword === this.password
      ? { REDIS_URL: this.url }
      : { REDIS_URL: this.url, REDIS_SENTINEL_PASSWORD: this.sentinelPassword };
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'brain-sentinel-'));
    const master = new PrivateRedis(await freePort(), { password: this.password, dir: this.dir });
    await master.start();
    this.nodes.push(master);
    for (let i = 0; i < this.replicas; i++) {
      const replica = new PrivateRedis(await freePort(), {
        password: this.password,
        dir: this.dir,
        args: ['--replicaof', '127.0.0.1', String(master.port)],
      });
      await replica.start();
      this.nodes.push(replica);
    }
    for (let i = 0; i < 3; i++) this.sentinelPorts.push(await freePort());
    for (const port of this.sentinelPorts) this.startSentinel(port, master.port);
    // Ready when every sentinel knows the replicas and the two other sentinels: before that a
    // failover could not reach its quorum, or would have no replica to promote.
    await waitFor(
      async () => {
        for (const port of this.sentinelPorts) {
          const info = await this.askSentinel(port, ['SENTINEL', 'MASTER', this.masterName]);
          const fields = pairs(info);
          if (fields['num-slaves'] !== String(this.replicas)) return;
          if (fields['num-other-sentinels'] !== '2') return;
        }
        return true;
      },
      'the sentinels to know the replicas and each other',
      30_000,
    );
  }

  /** The master's port as the sentinels report it. */
  async masterPort(): Promise<number> {
    const [, port] = (await this.askSentinel(this.sentinelPorts[0], [
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      this.masterName,
    ])) as string[];
    return Number(port);
  }

  /** The data node that is master now. */
  async master(): Promise<PrivateRedis> {
    const port = await this.masterPort();
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`the sentinels name an unknown master :${port}`);
    return node;
  }

  /**
   * SIGKILLs the master (as a crash) and waits until every sentinel reports the replica as the
   * new master and it answers as one; answers the kill and promotion times (ms since epoch).
   */
  async failover(): Promise<{ killedAt: number; promotedAt: number; master: PrivateRedis }> {
    const old = await this.master();
    const killedAt = Date.now();
    await old.stop();
    const master = await this.promotedOver(old);
    return { killedAt, promotedAt: Date.now(), master };
  }

  /**
   * A switchover, as a managed service does for maintenance: SENTINEL FAILOVER while the master
   * runs. Answers once the replica is master (when that began, and when it answered as master);
   * the old master runs on, still a master to its clients until the sentinels demote it (about
   * ten seconds later): demoted() waits for that.
   */
  async switchover(): Promise<{ startedAt: number; promotedAt: number; old: PrivateRedis }> {
    const old = await this.master();
    const startedAt = Date.now();
    const reply = await this.askSentinel(this.sentinelPorts[0], [
      'SENTINEL',
      'FAILOVER',
      this.masterName,
    ]);
    if (reply !== 'OK') throw new Error(`SENTINEL FAILOVER answered ${JSON.stringify(reply)}`);
    await this.promotedOver(old);
    return { startedAt, promotedAt: Date.now(), old };
  }

  /** Waits until `node` is a replica again, its link to the master up. */
  async demoted(node: PrivateRedis): Promise<void> {
    await waitFor(
      async () => {
        const info = (await node.ask((client) => client.info('replication'))) ?? '';
        return /role:slave/.test(info) && /master_link_status:up/.test(info) ? true : undefined;
      },
      `the node on port ${node.port} to be a replica again`,
      30_000,
    );
  }

  /** Waits until every sentinel names another node than `old` master, and it answers as one. */
  private promotedOver(old: PrivateRedis): Promise<PrivateRedis> {
    return waitFor(
      async () => {
        const ports = await Promise.all(
          this.sentinelPorts.map(async (p) => {
            const [, port] = (await this.askSentinel(p, [
              'SENTINEL',
              'GET-MASTER-ADDR-BY-NAME',
              this.masterName,
            ])) as string[];
            return Number(port);
          }),
        );
        if (ports.some((p) => p !== ports[0] || p === old.port)) return;
        const node = this.nodes.find((n) => n.port === ports[0]);
        return node && (await roleOf(node)) === 'master' ? node : undefined;
      },
      'a replica to be promoted',
      30_000,
    );
  }

  async stop(): Promise<void> {
    await Promise.all([
      ...this.sentinels.map((child) => kill(child)),
      ...this.nodes.map((node) => node.stop()),
    ]);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private startSentinel(port: number, masterPort: number): void {
    // Sentinel rewrites its configuration (what it learns, the new master): one file each.
    const conf = join(this.dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `requirepass "${this.sentinelPassword}"`,
        `sentinel monitor ${this.masterName} 127.0.0.1 ${masterPort} 2`,
        `sentinel auth-pass ${this.masterName} "${this.password}"`,
        // Fast: a master silent for 1 s is down; a failover that stalls is retried after 3 s.
        `sentinel down-after-milliseconds ${this.masterName} 1000`,
        `sentinel failover-timeout ${this.masterName} 3000`,
        `sentinel parallel-syncs ${this.masterName} 1`,
        '',
      ].join('\n'),
    );
    const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore', cwd: this.dir });
    const live = { child, detached: false, command: `redis-sentinel :${port}` };
    liveProcesses().add(live);
    child.once('exit', () => liveProcesses().delete(live));
    this.sentinels.push(child);
  }

  private async askSentinel(port: number, command: string[]): Promise<unknown> {
    const probe = new PrivateRedis(port, { password: this.sentinelPassword }).client({
      lazyConnect: true,
      retryStrategy: () => null,
    });
    // A sentinel not listening yet: connect() rejects, the event needs no report.
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return await probe.call(command[0], ...command.slice(1));
    } catch {
      return [];
    } finally {
      probe.disconnect();
    }
  }
}

/** The node's ROLE (master, slave), or undefined when it does not answer. */
async function roleOf(node: PrivateRedis): Promise<string | undefined> {
  const role = await node.ask((client) => client.call('ROLE') as Promise<[string]>);
  return role?.[0];
}

/** SENTINEL MASTER's flat [name, value, ...] reply as an object. */
function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
