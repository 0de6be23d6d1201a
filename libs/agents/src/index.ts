export * from './agent-args';
export * from './agent-http';
export * from './agent.store';
export * from './agent.tasks';
export * from './agents.module';
