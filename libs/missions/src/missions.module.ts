import { Module } from '@nestjs/common';

/**
 * backend.app.tasks.mission_tasks: missions (processing, queue health, metrics, notifications).
 * Its tasks and schedules are declared here, beside their domain code, when the domain
 * issue lands; the worker, Beat and the API already load this module.
 */
@Module({})
export class MissionsModule {}
