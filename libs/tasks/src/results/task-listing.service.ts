import { Injectable } from '@nestjs/common';
import type { QueueName } from '../queues/queue-names';
import { ResultStore } from './result-store.service';
import type { TaskRecord } from './task-record';
import type { TaskState } from './task-state';

export interface TaskListFilter {
  taskName?: string;
  state?: TaskState;
  queue?: QueueName;
  worker?: string;
  /** The task id, or a part of the task name (either case). */
  search?: string;
  /** Sent at or after. */
  since?: Date;
  /** Sent at or before. */
  until?: Date;
  limit: number;
  offset: number;
}

export interface TaskPage {
  tasks: TaskRecord[];
  limit: number;
  offset: number;
  /** More tasks match beyond this page. */
  has_more: boolean;
}

/** Index entries read per round trip; and at most this many rounds per page, to bound a query. */
const BATCH = 200;
const MAX_SCANNED = 20_000;

/**
 * Flower's task list: recent tasks newest first, filtered by name, state, queue, worker and time
 * sent, and searched by id or part of the name. The time index narrows by time; the other filters are applied to the records, read a
 * batch at a time, so a page costs what it scans (bounded), not the whole history.
 */
@Injectable()
export class TaskListing {
  constructor(private readonly results: ResultStore) {}

  async list(filter: TaskListFilter): Promise<TaskPage> {
    const matches: TaskRecord[] = [];
    const wanted = filter.offset + filter.limit + 1;
    const since = filter.since?.getTime();
    const until = filter.until?.getTime();
    for (let scanned = 0; matches.length < wanted && scanned < MAX_SCANNED; scanned += BATCH) {
      const ids = await this.results.recentIdsBetween(since, until, scanned, BATCH);
      const records = await Promise.all(ids.map((id) => this.results.get(id)));
      for (const record of records)
        if (record && recordMatches(record, filter)) matches.push(record);
      if (ids.length < BATCH) break;
    }
    return {
      tasks: matches.slice(filter.offset, filter.offset + filter.limit),
      limit: filter.limit,
      offset: filter.offset,
      has_more: matches.length > filter.offset + filter.limit,
    };
  }
}

/** Whether a record passes a list's filters (the time range aside: the index applies it). */
export function recordMatches(
  record: TaskRecord,
  filter: Omit<TaskListFilter, 'limit' | 'offset'>,
): boolean {
  return (
    (!filter.taskName || record.task_name === filter.taskName) &&
    (!filter.state || record.state === filter.state) &&
    (!filter.queue || record.queue === filter.queue) &&
    (!filter.worker || record.worker === filter.worker) &&
    (!filter.search || searchMatches(record, filter.search))
  );
}

function searchMatches(record: TaskRecord, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return record.task_id.toLowerCase() === needle || record.task_name.toLowerCase().includes(needle);
}
