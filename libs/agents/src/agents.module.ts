import { Module } from '@nestjs/common';
import { OutboundModule } from '@brain/outbound';
import { TaskRoutes } from '@brain/tasks';
import { AgentStore } from './agents/agent.store';
import { AgentTasks } from './agents/agents.tasks';

/**
 * backend.app.tasks.agent_tasks: registered agents, their heartbeats, health checks, metrics and
 * actions (see AgentTasks for the endpoint convention). Depends on the engine, the storage layer
 * and the guarded outbound client; exports the AgentStore for the API.
 */
@TaskRoutes({ 'backend.app.tasks.agent_tasks.*': 'agents' })
@Module({
  imports: [OutboundModule],
  providers: [AgentStore, AgentTasks],
  exports: [AgentStore],
})
export class AgentsModule {}
