import { Injectable } from '@nestjs/common';
import { ResultStore, Schedule, Task } from '@brain/tasks';
import { ApiKeyStore, AuditLog, CacheStore } from '@brain/storage';
import { MAINTENANCE_ROLE } from '../maintenance-role';
import {
  checkDays,
  daysAgo,
  MIN_AUDIT_RETENTION_DAYS,
  MIN_TASK_RESULT_DAYS,
  wholeDays,
} from './days';

export interface CleanupOutcome {
  deleted: number;
  cutoff_date: string;
}

@Injectable()
export class CleanupTasks {
  constructor(
    private readonly audit: AuditLog,
    private readonly keys: ApiKeyStore,
    private readonly results: ResultStore,
    private readonly cache: CacheStore,
  ) {}

  /** Audit entries older than the retention period. */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.cleanup_audit_logs',
    params: ['retention_days'],
    timeLimit: 600,
    role: MAINTENANCE_ROLE,
    checkArgs: ({ retention_days }) =>
      checkDays(retention_days, 'retention_days', MIN_AUDIT_RETENTION_DAYS),
  })
  @Schedule({ id: 'cleanup-audit-logs', cron: '0 2 * * *', description: 'Audit log retention' })
  async cleanupAuditLogs({
    retention_days = 90,
  }: {
    retention_days?: number;
  }): Promise<CleanupOutcome> {
    const cutoff = daysAgo(wholeDays(retention_days, 'retention_days'));
    return { deleted: await this.audit.deleteOlderThan(cutoff), cutoff_date: cutoff.toISOString() };
  }

  /** Finished task records (results, errors, timelines) older than `days_old`. */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.cleanup_task_results',
    params: ['days_old'],
    timeLimit: 600,
    role: MAINTENANCE_ROLE,
    checkArgs: ({ days_old }) => checkDays(days_old, 'days_old', MIN_TASK_RESULT_DAYS),
  })
  @Schedule({ id: 'cleanup-task-results', cron: '0 3 * * *', description: 'Task result cleanup' })
  async cleanupTaskResults({ days_old = 7 }: { days_old?: number }): Promise<CleanupOutcome> {
    const cutoff = daysAgo(wholeDays(days_old, 'days_old'));
    return {
      deleted: await this.results.forgetFinishedBefore(cutoff),
      cutoff_date: cutoff.toISOString(),
    };
  }

  /** API keys past their expiry, or revoked. */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.cleanup_expired_api_keys',
    params: [],
    timeLimit: 300,
    role: MAINTENANCE_ROLE,
  })
  async cleanupExpiredApiKeys(): Promise<CleanupOutcome> {
    const now = new Date();
    return { deleted: await this.keys.deleteExpired(now), cutoff_date: now.toISOString() };
  }

  /** Cache entries past their expiry (reads already ignore them; this reclaims the rows). */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.cleanup_expired_cache',
    params: [],
    timeLimit: 300,
    role: MAINTENANCE_ROLE,
  })
  async cleanupExpiredCache(): Promise<CleanupOutcome> {
    const now = new Date();
    return { deleted: await this.cache.deleteExpired(now), cutoff_date: now.toISOString() };
  }
}
