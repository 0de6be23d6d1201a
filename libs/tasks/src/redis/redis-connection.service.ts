import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, type Redis } from 'ioredis';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { redactUrl } from './redact-url';
import { SentinelSwitchWatch } from './sentinel-switch-watch';
import type { ReplicaAckPolicy } from './replica-ack';
import { createRedisClient, mastersOf, type RedisClient } from './redis-client';
import { type RedisEndpoint, redisEndpoint } from './redis-endpoint';
import { type RedisTopology, redisTopology } from './redis-topology';

export type { RedisEndpoint };

/** Events of a Cluster client that tell a node's connection failed. */
const CLUSTER_TROUBLE = ['node error', '-node'];
/**
 * How long after a node's failure a Cluster counts as failing over: longer than the gaps between
 * reconnection attempts to a dead master (2 s at most for the failing-fast client).
 */
const CLUSTER_TROUBLE_MS = 3000;

/**
 * What BullMQ takes as `connection`: a client per process shared by every queue (and one by every
 * worker fetched through), as BullMQ shares a client it is given (it opens its own only for
 * blocking reads, which the dispatcher does on connections of its own). Connections stay few: a
 * handful per process, whatever the number of queues and partitions.
 */
export type BullConnection = RedisClient;

/**
 * Owns the engine's Redis connections. One shared client for commands; blocking commands and
 * BullMQ workers get connections of their own, created here so that shutdown closes them all.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  private readonly owned = new Set<RedisClient>();
  private shared?: RedisClient;
  private endpoint?: RedisEndpoint;
  private readonly bullClients = new Map<string, RedisClient>();
  private switchWatch?: SentinelSwitchWatch;
  private clusterTroubleAt = 0;

  constructor(@Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions) {}

  get prefix(): string {
    return this.options.prefix;
  }

  /** Connection options for BullMQ and for clients of our own. */
  get connectionOptions(): RedisEndpoint {
    this.endpoint ??= redisEndpoint(this.options.redisUrl, {
      sentinelPassword: this.options.sentinelPassword,
    });
    return this.endpoint;
  }

  /**
   * BullMQ's `connection` for queues, which send (see BullConnection). `failFast` as for the
   * shared client: the API's queues fail a send at once while Redis is away.
   */
  bullConnection(failFast = false): BullConnection {
    return failFast
      ? this.bullClient('bull-fail-fast', this.failFastEndpoint)
      : this.bullClient('bull', this.connectionOptions);
  }

  /**
   * BullMQ's `connection` for the workers a dispatcher fetches through: apart from the queues',
   * so that fetches, completions and lock renewals do not wait behind durable sends' WAITs (each
   * holds its connection until the replicas confirm, up to its timeout; here only a beat tick's
   * next run is waited for).
   */
  bullFetchConnection(): BullConnection {
    return this.bullClient('bull-fetch', this.connectionOptions);
  }

  private bullClient(name: string, endpoint: RedisEndpoint): RedisClient {
    let client = this.bullClients.get(name);
    if (!client) {
      client = this.create(name, endpoint);
      this.bullClients.set(name, client);
    }
    return client;
  }

  /** Every master: the server, or each master of a Cluster (for node-level commands and SCAN). */
  masters(): Redis[] {
    return mastersOf(this.client);
  }

  private get failFastEndpoint(): RedisEndpoint {
    return redisEndpoint(this.options.redisUrl, this.options);
  }

  /** Durable sending: the replicas each write waits for (none by default). */
  get replicaAck(): ReplicaAckPolicy {
    return this.options.replicaAck;
  }

  /** The URL with any password masked, for logs and `info`. */
  get displayUrl(): string {
    return redactUrl(this.options.redisUrl);
  }

  /** The master this process talks to now, and its replicas (for `info` and the UI). */
  topology(): Promise<RedisTopology> {
    return redisTopology(this.client, this.options.redisUrl);
  }

  /** The shared command client (failing fast while Redis is away, when the options say so). */
  get client(): RedisClient {
    if (!this.shared) {
      const shared = this.create('shared', this.failFastEndpoint);
      if (shared instanceof Cluster) {
        const mark = () => (this.clusterTroubleAt = Date.now());
        CLUSTER_TROUBLE.forEach((event) => shared.on(event, mark));
      }
      this.shared = shared;
    }
    return this.shared;
  }

  /** Whether the shared client is connected now. */
  get available(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Whether the shared client is connected, waiting up to `ms` while it is (re)connecting: a
   * process that has just started, or a blip, is not an outage.
   */
  async whenAvailable(ms: number): Promise<boolean> {
    const client = this.client;
    if (client.status === 'ready') return true;
    if (client.status === 'end') return false;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(client.status === 'ready'), ms);
      client.once('ready', onReady);
    });
  }

  /**
   * Calls `listener` once if the shared client loses its connection (or has none now); answers a
   * function that stops listening. The API bounds a request's wait by it during an outage.
   */
  onceDown(listener: () => void): () => void {
    const client = this.client;
    if (client.status !== 'ready' || this.clusterInTrouble()) {
      listener();
      return () => undefined;
    }
    // A Cluster stays up as a whole while one of its masters fails over: its nodes say so.
    const events = client instanceof Cluster ? ['close', ...CLUSTER_TROUBLE] : ['close'];
    let called = false;
    const once = () => {
      if (called) return;
      called = true;
      stop();
      listener();
    };
    const stop = () => events.forEach((event) => client.off(event, once));
    events.forEach((event) => client.on(event, once));
    return stop;
  }

  /**
   * Whether a node of the Cluster failed lately: while a master fails over the Cluster client
   * stays `ready`, and its nodes' errors come and go (each reconnection attempt): a request
   * arriving between two of them is in the outage too.
   */
  private clusterInTrouble(): boolean {
    return Date.now() - this.clusterTroubleAt < CLUSTER_TROUBLE_MS;
  }

  /** A dedicated connection, closed with the application. */
  create(name: string, endpoint: RedisEndpoint = this.connectionOptions): RedisClient {
    const client = createRedisClient({ ...endpoint, connectionName: `brain:${name}` });
    client.on('error', (err: Error) => this.logger.warn(`redis (${name}): ${err.message}`));
    this.owned.add(client);
    client.once('end', () => this.owned.delete(client));
    if (endpoint.sentinels && !this.switchWatch) this.watchSwitches(endpoint);
    return client;
  }

  /**
   * A Sentinel group: at each new master announced, the connections still on another node
   * reconnect (the connector asks the sentinels again), instead of writing to a demoted master
   * until the sentinels get round to demoting it. A connection already on the new master, or
   * reconnecting, is left alone.
   */
  private watchSwitches(endpoint: RedisEndpoint): void {
    this.switchWatch = new SentinelSwitchWatch(
      endpoint,
      (master) => {
        const stale = [...this.owned].filter(
          (client): client is Redis =>
            !(client instanceof Cluster) &&
            client.status === 'ready' &&
            !(
              client.stream?.remotePort === master.port &&
              client.stream.remoteAddress === master.host
            ),
        );
        if (!stale.length) return;
        this.logger.warn(
          `Sentinel: new master ${master.host}:${master.port}; reconnecting ${stale.length} connection(s)`,
        );
        for (const client of stale) client.disconnect(true);
      },
      (err) => this.logger.warn(`sentinel watch: ${err.message}`),
    );
    this.switchWatch.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.switchWatch?.close();
    await Promise.all(
      [...this.owned].map(async (c) => {
        try {
          await c.quit();
        } catch {
          c.disconnect();
        }
      }),
    );
  }
}
