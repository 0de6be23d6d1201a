/**
 * The request and response shapes the API, the CLI and the UI share (validated with
 * class-validator, documented with @nestjs/swagger), and the mappings from them to the engine's
 * and the storage's calls, written once.
 */
export * from './api-keys/create-api-key.dto';
export { toCreateApiKey } from './api-keys/to-create-api-key';
export * from './audit/audit.dto';
export { DEFAULT_AUDIT_PAGE, toAuditQuery } from './audit/to-audit-query';
export { ANY_JSON, DATE_TIME, JSON_ARRAY, JSON_OBJECT } from './json-schemas';
export { PageQuery, TimeRangePageQuery } from './page-query.dto';
export { ExecuteTaskDto } from './tasks/execute-task.dto';
export * from './tasks/task-queries.dto';
export * from './tasks/task-responses.dto';
export { TaskSearchQuery } from './tasks/task-search.query';
export { toApplyOptions } from './tasks/to-apply-options';
export { DEFAULT_TASK_PAGE, toListFilter } from './tasks/to-list-filter';
export * from './tasks/task-priority.validator';
