import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { type Role, ROLES } from '@brain/auth';
import {
  QUEUE_NAMES,
  type RevokeResult,
  TASK_STATES,
  type TaskDetail,
  type TaskEvent,
  type TaskState,
  type TaskStatus,
  type WorkerStats,
  type WorkerStatsEntry,
} from '@brain/tasks';
import { ANY_JSON, DATE_TIME, JSON_ARRAY, JSON_OBJECT } from '../json-schemas';

const TASK_ID = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const HEALTH_CHECK = 'backend.app.tasks.system_tasks.health_check';

export class SentTaskDto {
  @ApiProperty({ example: TASK_ID })
  task_id!: string;

  @ApiProperty({ example: HEALTH_CHECK })
  task_name!: string;

  @ApiProperty({ enum: ['PENDING'], example: 'PENDING' })
  status!: 'PENDING';

  @ApiProperty({ enum: QUEUE_NAMES, example: 'system' })
  queue!: string;
}

export class TaskErrorDto {
  @ApiProperty({ example: 'TimeLimitExceeded' })
  type!: string;

  @ApiProperty({ example: 'Time limit (300s) exceeded' })
  message!: string;

  @ApiProperty({ nullable: true, type: String })
  traceback!: string | null;
}

export class TaskStatusDto implements TaskStatus {
  @ApiProperty({ example: TASK_ID })
  task_id!: string;

  @ApiProperty({ enum: TASK_STATES, example: 'SUCCESS' })
  status!: TaskState;

  @ApiProperty({ description: 'Ended: SUCCESS, FAILURE or REVOKED' })
  ready!: boolean;

  @ApiProperty()
  successful!: boolean;

  @ApiProperty({
    ...ANY_JSON,
    description: 'The return value on SUCCESS (any JSON value), else null',
    example: { timestamp: '2025-12-20T10:30:00Z', checks: {}, healthy: true },
  })
  result!: unknown;

  @ApiProperty({ example: HEALTH_CHECK })
  task_name!: string;

  @ApiProperty({ enum: QUEUE_NAMES })
  queue!: string;

  @ApiProperty({ ...JSON_ARRAY, description: 'As sent, sensitive values masked' })
  args!: unknown[];

  @ApiProperty({ ...JSON_OBJECT, description: 'As sent, sensitive values masked' })
  kwargs!: Record<string, unknown>;

  @ApiProperty({ example: 0 })
  retries!: number;

  @ApiProperty({ example: 1, description: 'Times a worker took it (redeliveries included)' })
  attempts!: number;

  @ApiProperty({ nullable: true, type: String, example: 'worker-1@host' })
  worker!: string | null;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:30:00.000Z' })
  date_received!: string;

  @ApiProperty({ ...DATE_TIME, nullable: true, description: 'Null until a worker starts it' })
  date_started!: string | null;

  @ApiProperty({ ...DATE_TIME, nullable: true, description: 'Null until it ends' })
  date_done!: string | null;

  @ApiProperty({
    ...DATE_TIME,
    nullable: true,
    description: 'Earliest run time (countdown, ETA), if any',
  })
  eta!: string | null;

  @ApiProperty({ ...DATE_TIME, nullable: true, description: 'When it is revoked if not yet run' })
  expires!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The task that sent this one' })
  parent_id!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'beat:health-check',
    description: 'The Beat schedule that fired it (Celery: periodic_task_name); null when sent',
  })
  periodic_task_name!: string | null;

  @ApiProperty({
    nullable: true,
    type: TaskErrorDto,
    description: 'Why it ended (FAILURE, REVOKED) or is retried (RETRY); else null',
  })
  error!: TaskErrorDto | null;
}

export class TaskEventDto implements TaskEvent {
  @ApiProperty({ enum: TASK_STATES, example: 'STARTED' })
  state!: TaskState;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:30:00.120Z' })
  at!: string;

  @ApiPropertyOptional({ example: 'worker-1@host', description: 'The worker, for STARTED' })
  worker?: string;

  @ApiPropertyOptional({ example: 1, description: 'Retries so far, for RETRY' })
  retries?: number;
}

export class TaskDetailDto extends TaskStatusDto implements TaskDetail {
  @ApiProperty({
    type: [TaskEventDto],
    description: 'Its states, oldest first: received, each start and retry, its end',
  })
  timeline!: TaskEventDto[];
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskStatusDto] })
  tasks!: TaskStatusDto[];

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: 0 })
  offset!: number;

  @ApiProperty({ description: 'More tasks may match beyond this page' })
  has_more!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '1764585000000-1',
    description: 'Pass as `cursor` for the next page, while `has_more`; else null',
  })
  next_cursor!: string | null;
}

export class RevokeResultDto implements RevokeResult {
  @ApiProperty({ example: TASK_ID })
  task_id!: string;

  @ApiProperty({ enum: TASK_STATES, example: 'PENDING' })
  previous_status!: TaskState;

  @ApiProperty({ enum: TASK_STATES, example: 'REVOKED' })
  status!: TaskState;

  @ApiProperty()
  terminate!: boolean;
}

/** A task named with its arguments, as inspect lists show it. */
class TaskRefDto {
  @ApiProperty({ example: TASK_ID })
  task_id!: string;

  @ApiProperty({ example: HEALTH_CHECK })
  task_name!: string;

  @ApiProperty({ enum: QUEUE_NAMES })
  queue!: string;

  @ApiProperty({ ...JSON_ARRAY, description: 'Sensitive values masked' })
  args!: unknown[];

  @ApiProperty({ ...JSON_OBJECT, description: 'Sensitive values masked' })
  kwargs!: Record<string, unknown>;
}

export class HeldTaskDto extends TaskRefDto {
  @ApiProperty({ example: 'worker-1@host' })
  worker!: string;

  @ApiProperty({ ...DATE_TIME, example: '2025-12-20T10:30:00.000Z' })
  time_start!: string;

  @ApiProperty({
    required: false,
    example: 4242,
    description: 'The process running it (a prefork child), when its worker has reported it',
  })
  pid?: number;
}

export class ActiveTaskDto extends HeldTaskDto {
  @ApiProperty({
    description:
      'Taken ahead of time (prefetch) and waiting in its worker for a free child; it reads STARTED',
  })
  reserved!: boolean;
}

export class PeriodicScheduleDto {
  @ApiProperty({ example: 'beat:health-check' })
  key!: string;

  @ApiProperty({ nullable: true, type: Number, example: 300 })
  every_seconds!: number | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  cron!: string | null;
}

export class ScheduledTaskDto extends TaskRefDto {
  @ApiProperty({ ...DATE_TIME, example: '2025-12-20T10:31:00.000Z' })
  eta!: string;

  @ApiProperty({ description: 'Waiting to retry rather than for a countdown or ETA' })
  retry!: boolean;

  @ApiProperty({
    type: PeriodicScheduleDto,
    nullable: true,
    description: 'The next firing of this periodic schedule (null: a countdown, ETA or retry)',
  })
  schedule!: PeriodicScheduleDto | null;
}

export class WorkerPoolDto {
  @ApiProperty({ example: 'prefork' })
  implementation!: string;

  @ApiProperty({ name: 'max-concurrency', example: 4 })
  'max-concurrency'!: number;

  @ApiProperty({ type: [Number], description: 'Pids (prefork) or thread ids (threads)' })
  processes!: number[];
}

export class WorkerRusageDto {
  @ApiProperty({ example: 12.5, description: 'CPU time used (user + system)' })
  cpu_seconds!: number;

  @ApiProperty({ example: 104857600, description: 'Resident memory' })
  rss_bytes!: number;
}

export class WorkerStatsEntryDto implements WorkerStatsEntry {
  @ApiProperty({ type: WorkerPoolDto })
  pool!: WorkerPoolDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { [HEALTH_CHECK]: 1523 },
    description: 'Tasks run, per task name',
  })
  total!: Record<string, number>;

  @ApiProperty({ example: 4242 })
  pid!: number;

  @ApiProperty({ enum: QUEUE_NAMES, isArray: true })
  queues!: string[];

  @ApiProperty({ example: 1523 })
  processed!: number;

  @ApiProperty({ example: 3600, description: 'Seconds since it started' })
  uptime!: number;

  @ApiProperty({ example: 3 })
  active!: number;

  @ApiProperty({ example: 5 })
  reserved!: number;

  @ApiProperty({ type: WorkerRusageDto })
  rusage!: WorkerRusageDto;

  @ApiProperty({ type: [Number], example: [0.5, 0.4, 0.3] })
  loadavg!: number[];

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:30:00.000Z' })
  heartbeat_at!: string;
}

export class WorkerStatsDto implements WorkerStats {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(WorkerStatsEntryDto) },
  })
  workers!: Record<string, WorkerStatsEntryDto>;

  @ApiProperty({ example: 1 })
  total_workers!: number;
}

export class RegisteredTaskDto {
  @ApiProperty({ example: HEALTH_CHECK })
  name!: string;

  @ApiProperty({ enum: QUEUE_NAMES, example: 'system' })
  queue!: string;

  @ApiProperty({
    enum: ROLES,
    example: 'operator',
    description: 'The least role of a key that may send it (execute, retry)',
  })
  role!: Role;
}

export class RegisteredTasksDto {
  @ApiProperty({ type: [String], example: [HEALTH_CHECK] })
  tasks!: string[];

  @ApiProperty({ example: 25 })
  total!: number;

  @ApiProperty({
    type: [RegisteredTaskDto],
    description: 'Each task of `tasks`, in the same order, with its queue and role',
  })
  details!: RegisteredTaskDto[];
}

export class PurgedResultsDto {
  @ApiProperty({ example: 120, description: 'Finished task records removed' })
  purged!: number;
}

export class PurgedQueueDto {
  @ApiProperty({ enum: QUEUE_NAMES, example: 'default' })
  queue!: string;

  @ApiProperty({ example: 12, description: 'Waiting tasks removed' })
  purged!: number;
}

export class CancelAllDto {
  @ApiProperty({ example: 12, description: 'Pending, scheduled and retry-waiting tasks revoked' })
  revoked!: number;

  @ApiProperty({ example: 2, description: 'Running tasks terminated (terminate=true only)' })
  terminated!: number;
}

export class RetriedTaskDto extends SentTaskDto {
  @ApiProperty({ example: TASK_ID, description: 'The task this one re-runs' })
  retry_of!: string;
}
