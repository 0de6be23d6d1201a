import type { DynamicModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { MetricsCollectorModule } from './metrics-collector.module';
import { MetricsController } from './metrics.controller';

/** GET /metrics: the engine's metrics over every worker, and this process's own. */
export const MetricsModule = {
  /**
   * Called when the API boots, not when a file loads: the Prometheus module starts prom-client's
   * process metrics, which the CLI's other commands do not want.
   */
  register(): DynamicModule {
    return PrometheusModule.registerAsync({
      imports: [MetricsCollectorModule],
      controller: MetricsController,
      useFactory: () => ({ defaultMetrics: { enabled: true } }),
    });
  },
};
