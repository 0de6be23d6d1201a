import { Module } from '@nestjs/common';
import { TaskRoutes } from '@brain/tasks';
import { CleanupTasks } from './cleanup/cleanup.tasks';
import { DatabaseTasks } from './database/database.tasks';
import { FullMaintenanceTasks } from './full-maintenance/full-maintenance.tasks';
import { KeyTasks } from './keys/keys.tasks';
import { RedisTasks } from './redis/redis.tasks';

/**
 * backend.app.tasks.maintenance_tasks: retention cleanups (audit log, task results, API keys,
 * cache), database and Redis upkeep, all of them at once, and the encryption key rotation.
 * Depends on the engine and the storage layer only.
 */
@TaskRoutes({ 'backend.app.tasks.maintenance_tasks.*': 'maintenance' })
@Module({
  providers: [CleanupTasks, DatabaseTasks, RedisTasks, KeyTasks, FullMaintenanceTasks],
})
export class MaintenanceModule {}
