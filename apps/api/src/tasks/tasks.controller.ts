import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExtraModels,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  Inspector,
  ResultStore,
  RevocationService,
  TaskClient,
  TaskListing,
  TaskNotFoundError,
  WorkerDirectory,
  revokeResult,
  taskDetail,
  taskStatus,
  workerStats,
} from '@brain/tasks';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../auth/roles';
import { ErrorResponseDto } from '../http/error-response.dto';
import { RedisGate } from '../http/redis-gate.interceptor';
import { ExecuteTaskDto } from './dto/execute-task.dto';
import { ListTasksQuery, PurgeQueueQuery, TerminateQuery } from './dto/task-queries.dto';
import {
  CancelAllDto,
  ActiveTaskDto,
  PurgedQueueDto,
  PurgedResultsDto,
  RetriedTaskDto,
  RevokeResultDto,
  ScheduledTaskDto,
  SentTaskDto,
  TaskDetailDto,
  TaskPageDto,
  WorkerStatsDto,
  WorkerStatsEntryDto,
} from './dto/task-responses.dto';

/** The spec's task endpoints, on the engine. This process sends and inspects; it never consumes. */
@ApiTags('tasks')
@ApiBearerAuth('api-key')
@ApiExtraModels(WorkerStatsEntryDto)
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No, or an unknown, API key' })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: "The key's role is too low" })
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis is unreachable' })
@UseInterceptors(RedisGate)
@Controller('api/tasks')
export class TasksController {
  constructor(
    private readonly client: TaskClient,
    private readonly results: ResultStore,
    private readonly listing: TaskListing,
    private readonly revocations: RevocationService,
    private readonly inspector: Inspector,
    private readonly directory: WorkerDirectory,
  ) {}

  @Post('execute')
  @RequireRole('operator')
  @Audited('task.execute')
  @ApiOperation({ summary: 'Send a task (Celery apply_async)' })
  @ApiCreatedResponse({ type: SentTaskDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A field is invalid: named in `field`',
  })
  execute(@Body() dto: ExecuteTaskDto): Promise<SentTaskDto> {
    return this.client.applyAsync(dto.task_name, {
      args: dto.args,
      kwargs: dto.kwargs,
      queue: dto.queue,
      countdown: dto.countdown,
      eta: dto.eta,
      priority: dto.priority,
      expires: dto.expires,
      timeLimit: dto.time_limit,
      softTimeLimit: dto.soft_time_limit,
    });
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Recent tasks, newest first, filtered and paginated' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async list(@Query() q: ListTasksQuery): Promise<TaskPageDto> {
    const page = await this.listing.list({
      taskName: q.task_name,
      state: q.status,
      queue: q.queue,
      worker: q.worker,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    return { ...page, tasks: page.tasks.map(taskStatus) };
  }

  @Get('active/list')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Tasks running now, on every live worker',
    description:
      'Read from the queues in Redis: a task whose record reads STARTED is listed, and one that ' +
      "ended is not, at the same instant; pid comes from its worker's last heartbeat.",
  })
  @ApiOkResponse({ type: [ActiveTaskDto] })
  active(): Promise<ActiveTaskDto[]> {
    return this.inspector.active();
  }

  @Get('scheduled/list')
  @RequireRole('viewer')
  @ApiOperation({
    summary:
      'Tasks waiting for a countdown, an ETA or a retry, and the next firing of each periodic schedule, soonest first',
  })
  @ApiOkResponse({ type: [ScheduledTaskDto] })
  scheduled(): Promise<ScheduledTaskDto[]> {
    return this.inspector.scheduled();
  }

  @Get('workers/stats')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Live workers and their statistics (Celery inspect stats)' })
  @ApiOkResponse({ type: WorkerStatsDto })
  async workers(): Promise<WorkerStatsDto> {
    return workerStats(await this.directory.online());
  }

  @Post('purge/results')
  @HttpCode(200)
  @RequireRole('admin')
  @Audited('results.purge')
  @ApiOperation({ summary: 'Forget every finished task record' })
  @ApiOkResponse({ type: PurgedResultsDto })
  async purgeResults(): Promise<PurgedResultsDto> {
    return { purged: await this.results.purge() };
  }

  @Post('purge/queue')
  @HttpCode(200)
  @RequireRole('admin')
  @Audited('queue.purge')
  @ApiOperation({ summary: 'Remove every waiting task of a queue (periodic schedules stay)' })
  @ApiOkResponse({ type: PurgedQueueDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown queue' })
  async purgeQueue(@Query() q: PurgeQueueQuery): Promise<PurgedQueueDto> {
    return { queue: q.queue_name, purged: await this.inspector.purgeQueue(q.queue_name) };
  }

  @Post('cancel/all')
  @HttpCode(200)
  @RequireRole('admin')
  @Audited('task.cancel_all')
  @ApiOperation({
    summary:
      'Revoke every pending, scheduled and retry-waiting task; with terminate, running ones too',
  })
  @ApiOkResponse({ type: CancelAllDto })
  cancelAll(@Query() q: TerminateQuery): Promise<CancelAllDto> {
    return this.inspector.cancelAll(q.terminate ?? false);
  }

  @Get(':task_id')
  @RequireRole('viewer')
  @ApiOperation({ summary: "A task's status and result, with the timeline of its states" })
  @ApiOkResponse({ type: TaskDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Never sent, or expired' })
  async get(@Param('task_id') taskId: string): Promise<TaskDetailDto> {
    const view = await this.results.view(taskId);
    if (!view) throw new TaskNotFoundError(taskId);
    return taskDetail(view.record, view.events);
  }

  @Delete(':task_id')
  @RequireRole('operator')
  @Audited('task.revoke')
  @ApiOperation({ summary: 'Revoke a task; terminate=true also stops it if running' })
  @ApiOkResponse({ type: RevokeResultDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async cancel(
    @Param('task_id') taskId: string,
    @Query() q: TerminateQuery,
  ): Promise<RevokeResultDto> {
    return revokeResult(await this.revocations.revoke(taskId, q.terminate ?? false));
  }

  @Post(':task_id/retry')
  @RequireRole('operator')
  @Audited('task.retry')
  @ApiOperation({ summary: 'Run a FAILURE or REVOKED task again, as a new task' })
  @ApiCreatedResponse({ type: RetriedTaskDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not FAILURE or REVOKED' })
  async retry(@Param('task_id') taskId: string): Promise<RetriedTaskDto> {
    return { ...(await this.client.resend(taskId)), retry_of: taskId };
  }
}
