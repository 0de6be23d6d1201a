import { Module } from '@nestjs/common';
import { OutboundModule } from '@brain/outbound';
import { AgentStore } from './agent.store';
import { AgentTasks } from './agent.tasks';

/**
 * backend.app.tasks.agent_tasks: registered agents, their heartbeats, health checks, metrics and
 * actions (see AgentTasks for the endpoint convention). Depends on the engine, the storage layer
 * and the guarded outbound client; exports the AgentStore for the API.
 */
@Module({
  imports: [OutboundModule],
  providers: [AgentStore, AgentTasks],
  exports: [AgentStore],
})
export class AgentsModule {}
