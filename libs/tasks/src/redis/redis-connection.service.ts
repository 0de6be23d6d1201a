import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { redactUrl } from './redact-url';

/**
 * Owns the engine's Redis connections. One shared client for commands; blocking commands and
 * BullMQ workers get connections of their own, created here so that shutdown closes them all.
 */
/** The subset of connection options that both ioredis and BullMQ take as they are. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
  lazyConnect: boolean;
}

@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  private readonly owned = new Set<Redis>();
  private shared?: Redis;

  constructor(@Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions) {}

  get prefix(): string {
    return this.options.prefix;
  }

  /** Connection options for BullMQ and for clients of our own. */
  get connectionOptions(): RedisEndpoint {
    const url = new URL(this.options.redisUrl);
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 6379,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      // BullMQ's blocking commands need unlimited retries; our own calls fail fast on their own timeouts.
      maxRetriesPerRequest: null,
      lazyConnect: false,
    };
  }

  /** The URL with any password masked, for logs and `info`. */
  get displayUrl(): string {
    return redactUrl(this.options.redisUrl);
  }

  /** The shared command client. */
  get client(): Redis {
    this.shared ??= this.create('shared');
    return this.shared;
  }

  /** A dedicated connection, closed with the application. */
  create(name: string): Redis {
    const client = new Redis({ ...this.connectionOptions, connectionName: `brain:${name}` });
    client.on('error', (err: Error) => this.logger.warn(`redis (${name}): ${err.message}`));
    this.owned.add(client);
    client.once('end', () => this.owned.delete(client));
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
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
