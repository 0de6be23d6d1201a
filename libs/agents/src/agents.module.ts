import { Module } from '@nestjs/common';

/**
 * backend.app.tasks.agent_tasks: agents (heartbeats, health checks, metrics, actions).
 * Its tasks and schedules are declared here, beside their domain code, when the domain
 * issue lands; the worker, Beat and the API already load this module.
 */
@Module({})
export class AgentsModule {}
