import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { MISSION_STATUSES } from '@brain/missions';
import type { MissionStatus } from '@brain/storage';
import {
  TimeRangePageQuery,
  ANY_JSON,
  DATE_TIME,
  IsOptionalTaskPriority,
  JSON_OBJECT,
} from '@brain/contracts';

const MISSION_ID = 'mission_6f1c2a9e-3b7d-4c1e-9a55-0d2f8e7b1c34';
const TASK_ID = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const STEPS_EXAMPLE = {
  steps: [
    { type: 'wait', seconds: 1 },
    { type: 'http', url: 'https://example.com/hook', method: 'POST', body: { hello: 'world' } },
    { type: 'compute', op: 'sum', values: [1, 2, 3] },
  ],
};

/** POST /api/missions. */
export class CreateMissionDto {
  @ApiProperty({ example: 'Nightly sync', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    ...JSON_OBJECT,
    example: STEPS_EXAMPLE,
    description:
      'Any JSON object. Its `steps` (optional) are run in order: ' +
      '`{type: "wait", seconds}` (0-300), ' +
      '`{type: "http", url, method?, body?, headers?, timeout_seconds?}` (non-2xx fails), ' +
      '`{type: "compute", op: "sum"|"count"|"min"|"max"|"avg", values: number[]}`.',
  })
  @IsObject()
  payload!: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, maximum: 9, default: 5, description: '9 runs first' })
  @IsOptionalTaskPriority()
  priority?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'Send process_mission_async for it at once',
  })
  @IsOptional()
  @IsBoolean()
  process?: boolean;

  @ApiPropertyOptional({
    example: 'mission_123',
    description: 'Your own id (letters, digits, `_ . : -`, up to 128); default mission_<uuid>',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,128}$/, {
    message: 'id must be 1-128 letters, digits or _ . : -',
  })
  id?: string;
}

export class ListMissionsQuery extends TimeRangePageQuery {
  @ApiPropertyOptional({ enum: MISSION_STATUSES })
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  status?: MissionStatus;
}

export class MissionDto {
  @ApiProperty({ example: MISSION_ID })
  id!: string;

  @ApiProperty({ example: 'Nightly sync' })
  name!: string;

  @ApiProperty({ ...JSON_OBJECT, example: STEPS_EXAMPLE })
  payload!: Record<string, unknown>;

  @ApiProperty({ minimum: 0, maximum: 9, example: 5 })
  priority!: number;

  @ApiProperty({ enum: MISSION_STATUSES, example: 'completed' })
  status!: MissionStatus;

  @ApiProperty({
    ...ANY_JSON,
    description: 'Per-step results (up to the failing step, when it failed); null until then',
    example: {
      steps: [
        { index: 0, type: 'wait', status: 'ok', duration_ms: 1001, output: { waited_seconds: 1 } },
      ],
    },
  })
  result!: unknown;

  @ApiProperty({ nullable: true, type: String, example: null })
  error!: string | null;

  @ApiProperty({ example: 1, description: 'How many times processing started' })
  attempts!: number;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The process_mission_async task that runs (or ran) it',
  })
  runner_task_id!: string | null;

  @ApiProperty({ ...DATE_TIME, example: '2025-12-20T10:30:00.000Z' })
  created_at!: string;

  @ApiProperty({ ...DATE_TIME, nullable: true, example: '2025-12-20T10:30:00.120Z' })
  started_at!: string | null;

  @ApiProperty({ ...DATE_TIME, nullable: true, example: '2025-12-20T10:30:01.250Z' })
  completed_at!: string | null;

  @ApiProperty({ ...DATE_TIME, example: '2025-12-20T10:30:01.250Z' })
  updated_at!: string;
}

export class CreatedMissionDto extends MissionDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: TASK_ID,
    description: 'The process_mission_async task sent for it; null when process was false',
  })
  task_id!: string | null;
}

export class MissionPageDto {
  @ApiProperty({ type: [MissionDto] })
  missions!: MissionDto[];

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: 0 })
  offset!: number;

  @ApiProperty({ description: 'More missions match beyond this page' })
  has_more!: boolean;
}
