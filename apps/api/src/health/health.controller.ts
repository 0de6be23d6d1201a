import { Controller, Get, Req, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  DiskHealthIndicator,
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  MemoryHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '@brain/auth';
import { ApiOptionalKey } from '../auth/api-access.decorator';
import type { ApiRequest } from '@brain/http';
import { DatabaseHealthIndicator } from './database.health';
import { RedisHealthIndicator } from './redis.health';
import { statusOnly } from './status-only';

/** Resident memory past which the API reports itself unhealthy. */
const MAX_RSS_BYTES = 1536 * 1024 * 1024;

/**
 * Terminus: 200 when every dependency is up, 503 (with which one) when one is down. Why one is
 * down (the raw error) only for a caller with a valid key.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly database: DatabaseHealthIndicator,
    private readonly disk: DiskHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOptionalKey('An unknown, expired or revoked key was sent (none is needed)')
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Redis, database, disk and memory',
    description:
      'No key needed. 200 when Redis and the database answer and disk and memory are within ' +
      'bounds; 503 naming what is down otherwise (Terminus). Each indicator says only up or ' +
      'down, unless a valid key (any role) is sent: then also why (the error).',
  })
  async check(@Req() req: ApiRequest): Promise<HealthCheckResult> {
    if (req.principal) return this.report();
    try {
      return statusOnly(await this.report());
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      throw new ServiceUnavailableException(statusOnly(err.getResponse() as HealthCheckResult));
    }
  }

  private report(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.redis.check('redis'),
      () => this.database.check('database'),
      () => this.disk.checkStorage('disk', { path: process.cwd(), thresholdPercent: 0.98 }),
      () => this.memory.checkRSS('memory_rss', MAX_RSS_BYTES),
    ]);
  }
}
