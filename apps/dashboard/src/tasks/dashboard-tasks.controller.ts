import { Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import {
  type RevokeOutcome,
  ResultStore,
  RevocationService,
  type SentTask,
  TaskClient,
  type TaskEvent,
  TaskListing,
  TaskNotFoundError,
  type TaskPage,
  type TaskRecord,
  recordMatches,
} from '@brain/tasks';
import { Audited } from '../../../api/src/audit/audited.decorator';
import { RequireRole, roleOf, SendsTask } from '@brain/auth';
import { RedisGate } from '../../../api/src/http/redis-gate.interceptor';
import { RequestSignal } from '../../../api/src/http/request-signal';
import { TerminateQuery } from '../../../api/src/tasks/dto/task-queries.dto';
import { TaskSearchQuery } from './dto/task-search.query';

/** A task with its timeline of states, retries included. */
export interface TaskDetail {
  record: TaskRecord;
  events: TaskEvent[];
}

/**
 * Tasks for the dashboard: the list (filters and search) and one task's detail, both from the
 * engine's stored records (arguments masked as the engine masks them); revoke, terminate and
 * retry through the engine, audited as the API's calls are and allowed by the same decision.
 */
@Controller('api/tasks')
@UseInterceptors(RedisGate)
export class DashboardTasksController {
  constructor(
    private readonly results: ResultStore,
    private readonly listing: TaskListing,
    private readonly revocations: RevocationService,
    private readonly client: TaskClient,
  ) {}

  @Get()
  @RequireRole('viewer')
  async list(@Query() q: TaskSearchQuery, @RequestSignal() signal: AbortSignal): Promise<TaskPage> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const filter = {
      taskName: q.task_name,
      state: q.status,
      queue: q.queue,
      worker: q.worker,
      search: q.search?.trim() || undefined,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
    };
    // An id is found directly, however old: the listing only scans recent tasks.
    if (filter.search && offset === 0 && !q.cursor) {
      const byId = await this.results.get(filter.search);
      if (byId) {
        const tasks = recordMatches(byId, filter) ? [byId] : [];
        return { tasks, limit, offset, has_more: false, next_cursor: null };
      }
    }
    return this.listing.list({ ...filter, limit, offset, cursor: q.cursor }, signal);
  }

  @Get(':task_id')
  @RequireRole('viewer')
  async detail(@Param('task_id') taskId: string): Promise<TaskDetail> {
    const view = await this.results.view(taskId);
    if (!view) throw new TaskNotFoundError(taskId);
    return { record: view.record, events: view.events };
  }

  @Post(':task_id/revoke')
  @HttpCode(200)
  @RequireRole(roleOf('task.revoke'))
  @Audited('task.revoke')
  revoke(@Param('task_id') taskId: string, @Query() q: TerminateQuery): Promise<RevokeOutcome> {
    return this.revocations.revoke(taskId, q.terminate ?? false);
  }

  @Post(':task_id/retry')
  @RequireRole(roleOf('task.retry'))
  @SendsTask('record')
  @Audited('task.retry')
  async retry(@Param('task_id') taskId: string): Promise<SentTask & { retry_of: string }> {
    return { ...(await this.client.resend(taskId)), retry_of: taskId };
  }
}
