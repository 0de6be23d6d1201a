import { Module } from '@nestjs/common';
import { CleanupTasks } from './cleanup/cleanup.tasks';
import { DatabaseTasks } from './database/database.tasks';
import { FullSystemMaintenanceTask } from './full-system-maintenance.task';
import { KeyRotationTask } from './keys/rotate-encryption-keys.task';
import { OptimizeRedisMemoryTask } from './redis/optimize-redis-memory.task';

/**
 * backend.app.tasks.maintenance_tasks: retention cleanups (audit log, task results, API keys,
 * cache), database and Redis upkeep, all of them at once, and the encryption key rotation.
 * Depends on the engine and the storage layer only.
 */
@Module({
  providers: [
    CleanupTasks,
    DatabaseTasks,
    OptimizeRedisMemoryTask,
    KeyRotationTask,
    FullSystemMaintenanceTask,
  ],
})
export class MaintenanceModule {}
