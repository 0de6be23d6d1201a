import { Module } from '@nestjs/common';
import { CleanupTasks } from './cleanup/cleanup.tasks';
import { DatabaseTasks } from './database/database.tasks';
import { FullSystemMaintenanceTask } from './full-system-maintenance.task';
import { OptimizeRedisMemoryTask } from './redis/optimize-redis-memory.task';

/**
 * backend.app.tasks.maintenance_tasks: retention cleanups (audit log, task results, API keys),
 * database and Redis upkeep, and all of them at once. Depends on the engine and the storage layer
 * only.
 */
@Module({
  providers: [CleanupTasks, DatabaseTasks, OptimizeRedisMemoryTask, FullSystemMaintenanceTask],
})
export class MaintenanceModule {}
