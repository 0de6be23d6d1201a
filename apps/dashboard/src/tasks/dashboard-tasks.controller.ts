import { Controller, Delete, Get, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import {
  ResultStore,
  RevocationService,
  type RevokeResult,
  revokeResult,
  type SentTask,
  TaskClient,
  TaskListing,
  TaskNotFoundError,
  type TaskPage,
  type TaskView,
  recordMatches,
} from '@brain/tasks';
import { Audited, RedisGate, RequestSignal } from '@brain/http';
import { RequireRole, roleOf, SendsTask } from '@brain/auth';
import { TaskSearchQuery, TerminateQuery, toListFilter } from '@brain/contracts';

/** A task's stored record with its timeline of states, retries included (the UI's task page). */
type TaskRecordView = Pick<TaskView, 'record' | 'events'>;

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
    const filter = toListFilter(q);
    // An id is found directly, however old: the listing only scans recent tasks.
    if (filter.search && filter.offset === 0 && !filter.cursor) {
      const byId = await this.results.get(filter.search);
      if (byId) {
        const tasks = recordMatches(byId, filter) ? [byId] : [];
        return { tasks, limit: filter.limit, offset: 0, has_more: false, next_cursor: null };
      }
    }
    return this.listing.list(filter, signal);
  }

  @Get(':task_id')
  @RequireRole('viewer')
  async detail(@Param('task_id') taskId: string): Promise<TaskRecordView> {
    const view = await this.results.view(taskId);
    if (!view) throw new TaskNotFoundError(taskId);
    return { record: view.record, events: view.events };
  }

  /** As the API's DELETE /api/tasks/:task_id: the same call, the same answer. */
  @Delete(':task_id')
  @RequireRole(roleOf('task.revoke'))
  @Audited('task.revoke')
  async revoke(
    @Param('task_id') taskId: string,
    @Query() q: TerminateQuery,
  ): Promise<RevokeResult> {
    return revokeResult(await this.revocations.revoke(taskId, q.terminate ?? false));
  }

  @Post(':task_id/retry')
  @RequireRole(roleOf('task.retry'))
  @SendsTask('record')
  @Audited('task.retry')
  async retry(@Param('task_id') taskId: string): Promise<SentTask & { retry_of: string }> {
    return { ...(await this.client.resend(taskId)), retry_of: taskId };
  }
}
