export * from './agents/agent-args';
export * from './agents/agent-http';
export * from './agents/agent.store';
export * from './agents/agents.tasks';
export * from './agents.module';
