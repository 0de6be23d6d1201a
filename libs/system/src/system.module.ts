import { Module } from '@nestjs/common';
import { TaskRoutes } from '@brain/tasks';
import { DiagnosticsTasks } from './diagnostics/diagnostics.tasks';
import { HealthTasks } from './health/health.tasks';
import { MetricsTasks } from './metrics/metrics.tasks';
import { MonitoringTasks } from './monitoring/monitoring.tasks';

/** backend.app.tasks.system_tasks: health, queue monitoring, daily metrics and the test tasks. */
@TaskRoutes({ 'backend.app.tasks.system_tasks.*': 'system' })
@Module({
  providers: [HealthTasks, MonitoringTasks, DiagnosticsTasks, MetricsTasks],
})
export class SystemModule {}
