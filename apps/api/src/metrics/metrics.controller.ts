import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { ApiAccess } from '../auth/api-access.decorator';
import { MetricsCollector } from './metrics-collector.service';

/**
 * GET /metrics, behind a viewer key like every read of the API: Prometheus sends one as a bearer
 * token (deploy/prometheus/prometheus.yml).
 */
@ApiTags('metrics')
// On the class: its 401 is JSON, which ApiProduces below (text) would otherwise claim too.
@ApiAccess('viewer')
@Controller('metrics')
export class MetricsController extends PrometheusController {
  constructor(private readonly collector: MetricsCollector) {
    super();
  }

  @Get()
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics, aggregated over every worker',
    description:
      'task_total and task_execution_seconds per task and status, workers_online (and ' +
      'celery_workers_total), tasks_running, task_oldest_running_seconds, queue_depth, redis_up, ' +
      "the API host's disk and memory, and the API process's own metrics.",
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', schema: { type: 'string' } })
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    this.collector.beginScrape();
    return super.index(response);
  }
}
