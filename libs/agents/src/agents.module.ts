import { Module } from '@nestjs/common';
import { AgentStore } from './agent.store';
import { AgentTasks } from './agent.tasks';

/**
 * backend.app.tasks.agent_tasks: registered agents, their heartbeats, health checks, metrics and
 * actions (see AgentTasks for the endpoint convention). Depends on the engine and the storage
 * layer only; exports the AgentStore for the API.
 */
@Module({
  providers: [AgentStore, AgentTasks],
  exports: [AgentStore],
})
export class AgentsModule {}
