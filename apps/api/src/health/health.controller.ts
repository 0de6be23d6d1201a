import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  DiskHealthIndicator,
  HealthCheck,
  HealthCheckService,
  MemoryHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '@brain/auth';
import { DatabaseHealthIndicator } from './database.health';
import { RedisHealthIndicator } from './redis.health';

/** Resident memory past which the API reports itself unhealthy. */
const MAX_RSS_BYTES = 1536 * 1024 * 1024;

/** Terminus: 200 when every dependency is up, 503 (with which one) when one is down. */
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
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Redis, database, disk and memory',
    description:
      'No key needed. 200 when Redis and the database answer and disk and memory are within ' +
      'bounds; 503 naming what is down otherwise (Terminus).',
  })
  check() {
    return this.health.check([
      () => this.redis.check('redis'),
      () => this.database.check('database'),
      () => this.disk.checkStorage('disk', { path: process.cwd(), thresholdPercent: 0.98 }),
      () => this.memory.checkRSS('memory_rss', MAX_RSS_BYTES),
    ]);
  }
}
