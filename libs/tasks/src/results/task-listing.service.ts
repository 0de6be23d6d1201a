import { Injectable } from '@nestjs/common';
import type { QueueName } from '../queues/queue-names';
import {
  formatIndexCursor,
  type IndexPosition,
  parseIndexCursor,
  positionAfter,
} from './index-cursor';
import { type RecordGlimpse, RecordBatchReader } from './record-batch-reader';
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
  /** Matches skipped, at most MAX_LIST_OFFSET. */
  offset: number;
  /** Go on from where a page stopped (its `next_cursor`) rather than from the newest task. */
  cursor?: string;
}

export interface TaskPage {
  tasks: TaskRecord[];
  limit: number;
  offset: number;
  /** More tasks may match beyond this page: ask again with `next_cursor`. */
  has_more: boolean;
  /** Where the next page starts, while has_more; else null. */
  next_cursor: string | null;
}

/** Index entries read per round trip. */
const BATCH = 200;
/** Index entries skipped per round trip to reach an offset, when no filter needs the records. */
const SKIP_BATCH = 1000;
/**
 * Records a call reads at most to apply its filters. A filter matching little answers what it
 * found among them with a cursor to go on, rather than reading the whole history per call.
 */
export const MAX_SCANNED = 1_000;
/** The largest offset a listing takes; deeper pages are reached by cursor. */
export const MAX_LIST_OFFSET = 10_000;

/**
 * Flower's task list: recent tasks newest first, filtered by name, state, queue, worker and time
 * sent, and searched by id or part of the name. The time index narrows by time; the other filters
 * are applied to the records, read a batch at a time in two round trips (a glimpse of each, then
 * whole records of those the glimpse cannot rule out). A call costs at most MAX_SCANNED records,
 * and stops when its caller gives up (`signal`).
 */
@Injectable()
export class TaskListing {
  constructor(
    private readonly results: ResultStore,
    private readonly reader: RecordBatchReader,
  ) {}

  async list(filter: TaskListFilter, signal?: AbortSignal): Promise<TaskPage> {
    const since = filter.since?.getTime();
    const byRecord = hasRecordFilter(filter);
    const page: TaskRecord[] = [];
    let position = startOf(filter);
    let toSkip = Math.min(filter.offset, MAX_LIST_OFFSET);
    let scanned = 0;
    /** Where the next page starts, once known. */
    let next: IndexPosition | undefined;
    let more = false;
    scan: for (;;) {
      signal?.throwIfAborted();
      if (scanned >= MAX_SCANNED) {
        // Whether any entry is left: a cursor to nothing would only cost the client a call.
        more = (await this.results.indexFrom(position, since, 1)).length > 0;
        break;
      }
      // Without a filter on the records, the offset is skipped in the index, records unread.
      const skipping = !byRecord && toSkip > 0;
      const want = skipping
        ? Math.min(SKIP_BATCH, toSkip)
        : byRecord
          ? Math.min(BATCH, MAX_SCANNED - scanned)
          : Math.min(BATCH, filter.limit + 1 - page.length);
      const entries = await this.results.indexFrom(position, since, want);
      if (skipping) {
        for (const e of entries) position = positionAfter(position, e.score);
        toSkip -= entries.length;
        if (entries.length < want) break;
        continue;
      }
      signal?.throwIfAborted();
      const glimpses = await this.reader.glimpse(entries.map((e) => e.id));
      signal?.throwIfAborted();
      const records = await this.reader.records(glimpses.filter((g) => glimpseMatches(g, filter)));
      scanned += entries.length;
      for (const entry of entries) {
        const record = records.get(entry.id);
        if (record && recordMatches(record, filter)) {
          if (page.length === filter.limit) {
            more = true;
            break scan;
          }
          if (toSkip > 0) toSkip--;
          else page.push(record);
        }
        position = positionAfter(position, entry.score);
        if (page.length === filter.limit) next ??= position;
      }
      if (entries.length < want) break;
    }
    return {
      tasks: page,
      limit: filter.limit,
      offset: filter.offset,
      has_more: more,
      next_cursor: more ? formatIndexCursor(next ?? position) : null,
    };
  }
}

/** The newest entry a listing reads: after its cursor, at or before its `until`. */
function startOf(filter: TaskListFilter): IndexPosition {
  const until = filter.until?.getTime() ?? Infinity;
  const cursor = filter.cursor ? parseIndexCursor(filter.cursor) : undefined;
  return cursor && cursor.score <= until ? cursor : { score: until, skip: 0 };
}

function hasRecordFilter(filter: TaskListFilter): boolean {
  return Boolean(filter.taskName || filter.state || filter.queue || filter.worker || filter.search);
}

/** Whether a glimpse leaves a record possible: only those are read whole. */
function glimpseMatches(g: RecordGlimpse, filter: TaskListFilter): boolean {
  if (g.revoked) return true;
  if (!g.queue || g.name === undefined) return false;
  return recordMatches(
    { task_id: g.id, task_name: g.name, queue: g.queue, worker: g.worker },
    { ...filter, state: undefined },
  );
}

/** Whether a record passes a list's filters (the time range aside: the index applies it). */
export function recordMatches(
  record: Pick<TaskRecord, 'task_id' | 'task_name' | 'queue' | 'worker'> & { state?: TaskState },
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

function searchMatches(record: Pick<TaskRecord, 'task_id' | 'task_name'>, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return record.task_id.toLowerCase() === needle || record.task_name.toLowerCase().includes(needle);
}
