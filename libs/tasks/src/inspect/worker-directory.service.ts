import { Inject, Injectable } from '@nestjs/common';
import { engineKeys } from '../redis/engine-keys';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { RedisConnection } from '../redis/redis-connection.service';
import type { WorkerHeartbeat } from './worker-heartbeat';

/** Heartbeats stop counting after this many seconds without a new one. */
export const HEARTBEAT_INTERVAL_S = 2;
export const HEARTBEAT_TTL_S = HEARTBEAT_INTERVAL_S * 3;
/** Offline workers are listed for a day after their last heartbeat, then forgotten. */
export const FORGET_SILENT_AFTER_S = 86_400;

/** Where workers announce themselves, and where the API, CLI and system tasks find them. */
@Injectable()
export class WorkerDirectory {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  private key(hostname: string): string {
    return engineKeys(this.options.prefix).worker(hostname);
  }

  private get indexKey(): string {
    return engineKeys(this.options.prefix).workers;
  }

  async publish(beat: WorkerHeartbeat): Promise<void> {
    await this.redis.client
      .multi()
      .set(this.key(beat.hostname), JSON.stringify(beat), 'EX', HEARTBEAT_TTL_S)
      .zadd(this.indexKey, Date.now(), beat.hostname)
      .exec();
  }

  async remove(hostname: string): Promise<void> {
    await this.redis.client.multi().del(this.key(hostname)).zrem(this.indexKey, hostname).exec();
  }

  /** Workers whose heartbeat is fresh. */
  async online(): Promise<WorkerHeartbeat[]> {
    const names = await this.redis.client.zrange(this.indexKey, '0', '-1');
    if (!names.length) return [];
    const values = await this.redis.client.mget(names.map((n) => this.key(n)));
    return values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as WorkerHeartbeat);
  }

  /**
   * Forgets workers not heard from in `olderThanSeconds` (crashed ones, old container hostnames):
   * a graceful stop removes its own entry, nothing else would. Answers how many went.
   */
  async forgetSilent(olderThanSeconds = FORGET_SILENT_AFTER_S): Promise<number> {
    return this.redis.client.zremrangebyscore(
      this.indexKey,
      '-inf',
      String(Date.now() - olderThanSeconds * 1000),
    );
  }

  /** Hostnames seen within `withinSeconds` whose heartbeat has stopped. */
  async offline(withinSeconds = 3600): Promise<string[]> {
    const names = await this.redis.client.zrangebyscore(
      this.indexKey,
      String(Date.now() - withinSeconds * 1000),
      '+inf',
    );
    if (!names.length) return [];
    const values = await this.redis.client.mget(names.map((n) => this.key(n)));
    return names.filter((_, i) => values[i] === null);
  }
}
