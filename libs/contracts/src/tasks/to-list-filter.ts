import type { TaskListFilter } from '@brain/tasks';
import type { ListTasksQuery } from './task-queries.dto';
import type { TaskSearchQuery } from './task-search.query';

/** Tasks per page when a list call names no limit. */
export const DEFAULT_TASK_PAGE = 50;

/**
 * A checked GET /api/tasks query (or the UI's, with its search box) as the engine's listing
 * filter: the one mapping of the API, the CLI's `tasks list` and the UI.
 */
export function toListFilter(q: ListTasksQuery | TaskSearchQuery): TaskListFilter {
  return {
    taskName: q.task_name,
    state: q.status,
    queue: q.queue,
    worker: q.worker,
    search: ('search' in q && q.search?.trim()) || undefined,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
    limit: q.limit ?? DEFAULT_TASK_PAGE,
    offset: q.offset ?? 0,
    cursor: q.cursor,
  };
}
