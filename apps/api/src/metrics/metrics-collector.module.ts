import { Module } from '@nestjs/common';
import { MetricsCollector } from './metrics-collector.service';

/** The collector, for the Prometheus module's controller to inject. */
@Module({ providers: [MetricsCollector], exports: [MetricsCollector] })
export class MetricsCollectorModule {}
