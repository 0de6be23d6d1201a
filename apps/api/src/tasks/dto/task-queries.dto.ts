import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, Min } from 'class-validator';
import { QUEUE_NAMES, type QueueName, TASK_STATES, type TaskState } from '@brain/tasks';

/** 'true' / 'false' in a query string; anything else is left for IsBoolean to refuse. */
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class TerminateQuery {
  @ApiPropertyOptional({ default: false, description: 'Also stop it if it is running' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  terminate?: boolean;
}

export class PurgeQueueQuery {
  @ApiProperty({ enum: QUEUE_NAMES, example: 'default' })
  @IsIn(QUEUE_NAMES)
  queue_name!: QueueName;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ example: 'backend.app.tasks.system_tasks.health_check' })
  @IsOptional()
  @IsString()
  task_name?: string;

  @ApiPropertyOptional({ enum: TASK_STATES })
  @IsOptional()
  @IsIn(TASK_STATES)
  status?: TaskState;

  @ApiPropertyOptional({ enum: QUEUE_NAMES })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: QueueName;

  @ApiPropertyOptional({ description: 'Hostname of the worker that ran it' })
  @IsOptional()
  @IsString()
  worker?: string;

  @ApiPropertyOptional({ example: '2026-11-29T00:00:00Z', description: 'Sent at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ example: '2026-11-30T00:00:00Z', description: 'Sent at or before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}
