import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { RequestStats } from '@brain/storage';
import type { ApiRequest } from '@brain/http';

/**
 * Counts every request by route template (not raw path: ids would explode the table), status and
 * duration, and who made it, aggregated per day: generate_daily_metrics reports from this.
 */
@Injectable()
export class RequestMetricsMiddleware implements NestMiddleware {
  constructor(private readonly stats: RequestStats) {}

  use(req: ApiRequest, res: Response, next: NextFunction): void {
    const began = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      this.stats.add({
        at: new Date(),
        method: req.method,
        route: route ? `${req.baseUrl}${route}` : 'unmatched',
        status: res.statusCode,
        durationMs: performance.now() - began,
        principal: req.principal?.name,
      });
    });
    next();
  }
}
