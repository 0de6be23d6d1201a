export * from './cleanup/cleanup.tasks';
export * from './database/database.tasks';
export * from './full-maintenance/full-maintenance.tasks';
export * from './keys/keys.tasks';
export * from './maintenance.module';
export * from './redis/redis.tasks';
export { MIN_AUDIT_RETENTION_DAYS, MIN_TASK_RESULT_DAYS } from './cleanup/days';
export { MAINTENANCE_ROLE } from './maintenance-role';
