import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import {
  INDEX_CURSOR,
  MAX_SCANNED,
  QUEUE_NAMES,
  type QueueName,
  TASK_STATES,
  type TaskState,
} from '@brain/tasks';
import { TimeRangePageQuery } from '../page-query.dto';

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

export class ListTasksQuery extends TimeRangePageQuery {
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

  @ApiPropertyOptional({
    example: '1764585000000-1',
    description:
      `Go on from an earlier page's \`next_cursor\`. A call reads at most ${MAX_SCANNED} ` +
      'records to apply its filters: one matching few tasks answers what it found with a cursor.',
  })
  @IsOptional()
  @IsString()
  @Matches(INDEX_CURSOR, { message: "cursor must be an earlier page's next_cursor" })
  cursor?: string;
}
