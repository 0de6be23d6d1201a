import { Injectable, Logger } from '@nestjs/common';
import { Task } from '@brain/tasks';
import { CleanupTasks } from '../cleanup/cleanup.tasks';
import { DatabaseTasks } from '../database/database.tasks';
import { RedisTasks } from '../redis/redis.tasks';
import { MAINTENANCE_ROLE } from '../maintenance-role';

export type StepOutcome =
  | { status: 'success'; result: unknown; duration_ms: number }
  | { status: 'failed'; error: { type: string; message: string }; duration_ms: number };

export interface FullMaintenanceOutcome {
  started_at: string;
  finished_at: string;
  succeeded: number;
  failed: number;
  steps: Record<string, StepOutcome>;
}

@Injectable()
export class FullMaintenanceTasks {
  private readonly logger = new Logger('Maintenance');

  constructor(
    private readonly cleanup: CleanupTasks,
    private readonly database: DatabaseTasks,
    private readonly redis: RedisTasks,
  ) {}

  /**
   * Every maintenance step in turn, with its defaults, each reported on its own: one failing does
   * not stop the others. Cleanups go first so that VACUUM and ANALYZE see the result.
   *
   * rotate_encryption_keys is deliberately not a step. The steps here are housekeeping that may
   * run at any time, as often as anyone likes, with no effect but reclaimed space and fresh
   * statistics. A rotation is a security policy with its own cadence (monthly, on its schedule,
   * or called explicitly): running it with every full maintenance would mint a key and re-encrypt
   * every secret each time, and in deployments that keep no secrets (no BRAIN_MASTER_KEY) it
   * would report a failed step on every run.
   */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.full_system_maintenance',
    params: [],
    timeLimit: 3600,
    role: MAINTENANCE_ROLE,
  })
  async fullSystemMaintenance(): Promise<FullMaintenanceOutcome> {
    const started = new Date();
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['cleanup_audit_logs', () => this.cleanup.cleanupAuditLogs({})],
      ['cleanup_task_results', () => this.cleanup.cleanupTaskResults({})],
      ['cleanup_expired_api_keys', () => this.cleanup.cleanupExpiredApiKeys()],
      ['cleanup_expired_cache', () => this.cleanup.cleanupExpiredCache()],
      ['optimize_redis_memory', () => this.redis.optimizeRedisMemory()],
      ['vacuum_database', () => this.database.vacuumDatabase()],
      ['analyze_database_tables', () => this.database.analyzeDatabaseTables()],
    ];
    const outcomes: Record<string, StepOutcome> = {};
    for (const [name, step] of steps) outcomes[name] = await this.run(name, step);
    const failed = Object.values(outcomes).filter((o) => o.status === 'failed').length;
    return {
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
      succeeded: steps.length - failed,
      failed,
      steps: outcomes,
    };
  }

  private async run(name: string, step: () => Promise<unknown>): Promise<StepOutcome> {
    const began = performance.now();
    const duration = () => Math.round(performance.now() - began);
    try {
      return { status: 'success', result: await step(), duration_ms: duration() };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.logger.error(`${name} failed: ${e.name}: ${e.message}`);
      return {
        status: 'failed',
        error: { type: e.name, message: e.message },
        duration_ms: duration(),
      };
    }
  }
}
