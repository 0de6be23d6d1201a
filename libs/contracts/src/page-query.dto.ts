import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { MAX_LIST_OFFSET } from '@brain/tasks';

/** limit/offset of every list endpoint; the offset is capped so that no page costs a deep skip. */
export class PageQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_LIST_OFFSET })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_LIST_OFFSET)
  offset?: number;
}

/** A page of a list ordered by time (when sent, created...), within [since, until]. */
export class TimeRangePageQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2025-12-01T00:00:00Z', description: 'At or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ example: '2025-12-31T23:59:59Z', description: 'At or before this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}
