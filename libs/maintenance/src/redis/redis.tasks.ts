import { Injectable } from '@nestjs/common';
import { RedisConnection, ResultStore, RevocationService, Task } from '@brain/tasks';
import { MAINTENANCE_ROLE } from '../maintenance-role';

export interface RedisMemoryOutcome {
  memory_before_bytes: number;
  memory_after_bytes: number;
  keys_deleted: number;
  /** What was removed, by kind. */
  removed: { task_index_entries: number; expired_revocations: number };
}

@Injectable()
export class RedisTasks {
  constructor(
    private readonly redis: RedisConnection,
    private readonly results: ResultStore,
    private readonly revocations: RevocationService,
  ) {}

  /**
   * Removes only what is provably garbage: index entries of tasks whose records have expired,
   * and revocations older than the result expiry (no worker can receive those tasks any more).
   * Jobs, schedules and event streams are never touched. Then asks the allocator to give freed
   * pages back (MEMORY PURGE).
   */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.optimize_redis_memory',
    params: [],
    timeLimit: 300,
    role: MAINTENANCE_ROLE,
  })
  async optimizeRedisMemory(): Promise<RedisMemoryOutcome> {
    const before = await this.usedMemory();
    const task_index_entries = await this.results.pruneIndex();
    const expired_revocations = await this.revocations.trim();
    // Not every build has jemalloc: then there is nothing to purge. Each master has its own.
    await Promise.all(
      this.redis.masters().map((master) => master.call('MEMORY', 'PURGE').catch(() => undefined)),
    );
    return {
      memory_before_bytes: before,
      memory_after_bytes: await this.usedMemory(),
      keys_deleted: task_index_entries + expired_revocations,
      removed: { task_index_entries, expired_revocations },
    };
  }

  /** used_memory summed over every master (one on a single server). */
  private async usedMemory(): Promise<number> {
    const infos = await Promise.all(this.redis.masters().map((master) => master.info('memory')));
    return infos.reduce((sum, info) => sum + Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0), 0);
  }
}
