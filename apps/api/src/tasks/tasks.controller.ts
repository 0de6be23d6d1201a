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
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { roleOf, SendsTask } from '@brain/auth';
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
import { Audited, RedisGate, RequestSignal } from '@brain/http';
import { ApiAccess } from '../auth/api-access.decorator';
import { ApiErrors, BODY_ERRORS, REDIS_DOWN } from '../http/api-errors.decorator';
import {
  ExecuteTaskDto,
  ListTasksQuery,
  toApplyOptions,
  toListFilter,
  PurgeQueueQuery,
  TerminateQuery,
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
} from '@brain/contracts';

/** 403 besides a role below the call's: sending a task needs the task's own role too. */
const TASK_ROLE_403 = "below the task's own role (GET /api/tasks/registered/list shows each)";

/** The spec's task endpoints, on the engine. This process sends and inspects; it never consumes. */
@ApiTags('tasks')
@ApiExtraModels(WorkerStatsEntryDto)
@ApiErrors(REDIS_DOWN)
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
  @ApiAccess(roleOf('task.execute'), TASK_ROLE_403)
  @SendsTask('body')
  @Audited('task.execute')
  @ApiOperation({
    operationId: 'sendTask',
    summary: 'Send a task (Celery apply_async)',
    description:
      'Queues a registered task by name with its arguments and options (countdown, eta, ' +
      'priority, expires, time limits). It answers at once with the new task id, PENDING. ' +
      "A task may need more than the operator role: the key's role must reach the task's own.",
  })
  @ApiCreatedResponse({ type: SentTaskDto, description: 'Queued' })
  @ApiErrors(BODY_ERRORS)
  execute(@Body() dto: ExecuteTaskDto): Promise<SentTaskDto> {
    return this.client.applyAsync(dto.task_name, toApplyOptions(dto));
  }

  @Get()
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listTasks',
    summary: 'Recent tasks, newest first, filtered and paginated',
    description:
      'Task records still kept (results expire), filtered by name, status, queue, worker and ' +
      'time received. A call reads a bounded number of records: `has_more` says whether more ' +
      'may follow, and `next_cursor` where to go on (pass it as `cursor`).',
  })
  @ApiOkResponse({ type: TaskPageDto, description: 'A page of tasks' })
  @ApiErrors({ 400: 'A query parameter is invalid: named in `field`' })
  async list(
    @Query() q: ListTasksQuery,
    @RequestSignal() signal: AbortSignal,
  ): Promise<TaskPageDto> {
    const page = await this.listing.list(toListFilter(q), signal);
    return { ...page, tasks: page.tasks.map(taskStatus) };
  }

  @Get('active/list')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listActiveTasks',
    summary: 'Tasks running now, on every live worker',
    description:
      'Read from the queues in Redis: a task whose record reads STARTED is listed, and one that ' +
      "ended is not, at the same instant; pid comes from its worker's last heartbeat.",
  })
  @ApiOkResponse({ type: [ActiveTaskDto], description: 'Running tasks' })
  active(): Promise<ActiveTaskDto[]> {
    return this.inspector.active();
  }

  @Get('scheduled/list')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listScheduledTasks',
    summary: 'Tasks waiting for a countdown, an ETA or a retry; next periodic firings',
    description:
      'Tasks waiting for a countdown, an ETA or a retry, and the next firing of each periodic ' +
      'schedule, soonest first (Celery inspect scheduled).',
  })
  @ApiOkResponse({ type: [ScheduledTaskDto], description: 'Waiting tasks, soonest first' })
  scheduled(): Promise<ScheduledTaskDto[]> {
    return this.inspector.scheduled();
  }

  @Get('workers/stats')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'getWorkerStats',
    summary: 'Live workers and their statistics (Celery inspect stats)',
    description: 'Each live worker by hostname: pool, queues, tasks run, load, CPU and memory.',
  })
  @ApiOkResponse({ type: WorkerStatsDto, description: 'Live workers' })
  async workers(): Promise<WorkerStatsDto> {
    return workerStats(await this.directory.online());
  }

  @Post('purge/results')
  @HttpCode(200)
  @ApiAccess(roleOf('results.purge'))
  @Audited('results.purge')
  @ApiOperation({
    operationId: 'purgeResults',
    summary: 'Forget every finished task record',
    description: 'Removes the records of SUCCESS, FAILURE and REVOKED tasks; others stay.',
  })
  @ApiOkResponse({ type: PurgedResultsDto, description: 'How many were removed' })
  async purgeResults(): Promise<PurgedResultsDto> {
    return { purged: await this.results.purge() };
  }

  @Post('purge/queue')
  @HttpCode(200)
  @ApiAccess(roleOf('queue.purge'))
  @Audited('queue.purge')
  @ApiOperation({
    operationId: 'purgeQueue',
    summary: 'Remove every waiting task of a queue (periodic schedules stay)',
    description: 'Like Celery purge: waiting tasks of `queue_name` are deleted without running.',
  })
  @ApiOkResponse({ type: PurgedQueueDto, description: 'How many were removed' })
  @ApiErrors({ 400: 'No or an unknown `queue_name`' })
  async purgeQueue(@Query() q: PurgeQueueQuery): Promise<PurgedQueueDto> {
    return { queue: q.queue_name, purged: await this.inspector.purgeQueue(q.queue_name) };
  }

  @Post('cancel/all')
  @HttpCode(200)
  @ApiAccess(roleOf('task.cancel_all'))
  @Audited('task.cancel_all')
  @ApiOperation({
    operationId: 'cancelAllTasks',
    summary: 'Revoke every waiting task; with terminate, running ones too',
    description:
      'Revokes every pending, scheduled and retry-waiting task; with terminate=true, running ' +
      'tasks are stopped too.',
  })
  @ApiOkResponse({ type: CancelAllDto, description: 'How many were revoked and terminated' })
  @ApiErrors({ 400: '`terminate` is not true or false' })
  cancelAll(@Query() q: TerminateQuery): Promise<CancelAllDto> {
    return this.inspector.cancelAll(q.terminate ?? false);
  }

  @Get(':task_id')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'getTask',
    summary: "A task's status and result, with the timeline of its states",
    description:
      "Celery's AsyncResult fields (status, ready, successful, result) with the task's name, " +
      'arguments, worker, dates, error and its timeline of states.',
  })
  @ApiOkResponse({ type: TaskDetailDto, description: 'The task' })
  @ApiErrors({ 404: 'Never sent, or its record expired' })
  async get(@Param('task_id') taskId: string): Promise<TaskDetailDto> {
    const view = await this.results.view(taskId);
    if (!view) throw new TaskNotFoundError(taskId);
    return taskDetail(view.record, view.events);
  }

  @Delete(':task_id')
  @ApiAccess(roleOf('task.revoke'))
  @Audited('task.revoke')
  @ApiOperation({
    operationId: 'revokeTask',
    summary: 'Revoke a task; terminate=true also stops it if running',
    description:
      'A waiting task is removed and becomes REVOKED; a running one keeps running unless ' +
      'terminate=true. Revoking an ended task changes nothing.',
  })
  @ApiOkResponse({ type: RevokeResultDto, description: 'Its status before and after' })
  @ApiErrors({
    400: '`terminate` is not true or false',
    404: 'Never sent, or its record expired',
  })
  async cancel(
    @Param('task_id') taskId: string,
    @Query() q: TerminateQuery,
  ): Promise<RevokeResultDto> {
    return revokeResult(await this.revocations.revoke(taskId, q.terminate ?? false));
  }

  @Post(':task_id/retry')
  @ApiAccess(roleOf('task.retry'), TASK_ROLE_403)
  @SendsTask('record')
  @Audited('task.retry')
  @ApiOperation({
    operationId: 'retryTask',
    summary: 'Run a FAILURE or REVOKED task again, as a new task',
    description:
      'Sends the same task with the same arguments, queue and priority as a new task whose ' +
      "`parent_id` is this one. The key's role must reach the task's own, as to send it.",
  })
  @ApiCreatedResponse({ type: RetriedTaskDto, description: 'The new task, queued' })
  @ApiErrors({
    404: 'Never sent, or its record expired',
    409: 'Not FAILURE or REVOKED, or its arguments are gone',
  })
  async retry(@Param('task_id') taskId: string): Promise<RetriedTaskDto> {
    return { ...(await this.client.resend(taskId)), retry_of: taskId };
  }
}
