import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { AuditEntry, AuditPage } from '@brain/storage';
import { DATE_TIME, JSON_OBJECT } from '../json-schemas';
import { TimeRangePageQuery } from '../page-query.dto';

export class ListAuditQuery extends TimeRangePageQuery {
  @ApiPropertyOptional({ example: 'task.execute', description: 'Only this action' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  action?: string;

  @ApiPropertyOptional({
    example: 'grafana',
    description: 'Only calls by this key name (`anonymous`: no valid key; `cli:<user>`: the CLI)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  principal?: string;

  @ApiPropertyOptional({ example: 403, minimum: 100, maximum: 599, description: 'HTTP status' })
  @IsOptional()
  @Type(() => Number)
  @Min(100)
  @Max(599)
  // Last, so checked first: `teapot` is "not an integer", not "greater than 599".
  @IsInt()
  status?: number;
}

export class AuditEntryDto implements AuditEntry {
  @ApiProperty({ example: 42 })
  id!: number;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:00:00.000Z' })
  at!: string;

  @ApiProperty({ example: 'ops-bot', description: "The key's name; `anonymous` without one" })
  principal!: string;

  @ApiProperty({ example: 'task.execute' })
  action!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  task_id!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Key, queue, agent...' })
  target!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '10.0.0.7' })
  ip!: string | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 403,
    description: 'The HTTP status answered; null for a change made from the CLI',
  })
  status!: number | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'This call needs the operator role; key "grafana" has the viewer role',
    description: 'Why the call was refused (401, 403, 429)',
  })
  reason!: string | null;

  @ApiProperty({
    ...JSON_OBJECT,
    nullable: true,
    description: 'Method, path and query of the call (never its body)',
  })
  detail!: Record<string, unknown> | null;
}

export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: [AuditEntryDto] })
  entries!: AuditEntryDto[];

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: 0 })
  offset!: number;

  @ApiProperty({ description: 'More entries match beyond this page' })
  has_more!: boolean;
}
