import { Module } from '@nestjs/common';

/**
 * backend.app.tasks.maintenance_tasks: maintenance (cleanup, key rotation, database and Redis upkeep).
 * Its tasks and schedules are declared here, beside their domain code, when the domain
 * issue lands; the worker, Beat and the API already load this module.
 */
@Module({})
export class MaintenanceModule {}
