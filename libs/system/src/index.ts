export * from './diagnostics/test-tasks';
export * from './health/health-check.types';
export * from './monitoring/monitor-task-queue.task';
export * from './system.module';
