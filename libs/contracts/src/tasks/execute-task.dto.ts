import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { MAX_COUNTDOWN_S, MAX_TIME_LIMIT_S, QUEUE_NAMES, type QueueName } from '@brain/tasks';
import { JSON_ARRAY, JSON_OBJECT } from '../json-schemas';
import { IsOptionalTaskPriority } from './task-priority.validator';

/** Seconds from now (>= 0) or an ISO 8601 time, as Celery's `expires` takes either. */
function IsSecondsOrIsoTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSecondsOrIsoTime',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isFinite(value) && value >= 0) ||
          (typeof value === 'string' &&
            !Number.isNaN(Date.parse(value)) &&
            /^\d{4}-\d\d-\d\dT/.test(value)),
        defaultMessage: (args) =>
          `${args?.property ?? 'expires'} must be a number of seconds >= 0 or an ISO 8601 time`,
      },
    },
    options,
  );
}

/** POST /api/tasks/execute: Celery's apply_async, with the old system's field names. */
export class ExecuteTaskDto {
  @ApiProperty({ example: 'backend.app.tasks.system_tasks.health_check' })
  @IsString()
  @IsNotEmpty()
  task_name!: string;

  @ApiPropertyOptional({ ...JSON_ARRAY, example: [], description: 'Positional arguments' })
  @IsOptional()
  @IsArray()
  args?: unknown[];

  @ApiPropertyOptional({ ...JSON_OBJECT, example: {}, description: 'Keyword arguments' })
  @IsOptional()
  @IsObject()
  kwargs?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: QUEUE_NAMES, example: 'system', description: 'Overrides routing' })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: QueueName;

  @ApiPropertyOptional({
    example: 60,
    minimum: 0,
    maximum: MAX_COUNTDOWN_S,
    description: 'Seconds to wait before it may run (at most 30 days)',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(MAX_COUNTDOWN_S)
  countdown?: number;

  @ApiPropertyOptional({
    example: '2026-12-01T09:00:00Z',
    description: 'Earliest time to run (at most 30 days ahead)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  eta?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 9, example: 5, description: '9 runs first' })
  @IsOptionalTaskPriority()
  priority?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string', format: 'date-time' }],
    example: 3600,
    description: 'Seconds from now, or a time, after which it is revoked instead of run',
  })
  @IsOptional()
  @IsSecondsOrIsoTime()
  expires?: number | string;

  @ApiPropertyOptional({
    example: 300,
    maximum: MAX_TIME_LIMIT_S,
    description: 'Hard time limit, seconds (at most 7 days)',
  })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(MAX_TIME_LIMIT_S)
  time_limit?: number;

  @ApiPropertyOptional({
    example: 240,
    maximum: MAX_TIME_LIMIT_S,
    description: 'Soft time limit, seconds (at most 7 days)',
  })
  @IsOptional()
  @IsNumber()
  @IsPositive()
  @Max(MAX_TIME_LIMIT_S)
  soft_time_limit?: number;

  @ApiPropertyOptional({
    example: 'tenant-42',
    maxLength: 200,
    description:
      'Tasks with the same key go to the same partition (REDIS_PARTITIONS), so run in the order sent among them; at random without it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  partition_key?: string;
}
