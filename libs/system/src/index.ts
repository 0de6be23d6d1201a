export * from './diagnostics/diagnostics.tasks';
export * from './health/health-check.types';
export * from './health/host-probes';
export * from './monitoring/monitoring.tasks';
export * from './system.module';
