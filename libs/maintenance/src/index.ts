export * from './cleanup/cleanup.tasks';
export * from './database/database.tasks';
export * from './full-system-maintenance.task';
export * from './keys/rotate-encryption-keys.task';
export * from './maintenance.module';
export * from './redis/optimize-redis-memory.task';
export { MIN_AUDIT_RETENTION_DAYS, MIN_TASK_RESULT_DAYS } from './cleanup/days';
export { MAINTENANCE_ROLE } from './maintenance-role';
