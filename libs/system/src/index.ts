export * from './diagnostics/test-tasks';
export * from './health/health-check.types';
export * from './health/host-probes';
export * from './monitoring/monitor-task-queue.task';
export * from './system.module';
