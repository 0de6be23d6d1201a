import { Module } from '@nestjs/common';
import { TestTasks } from './diagnostics/test-tasks';
import { HealthCheckTask } from './health/health-check.task';
import { DailyMetricsTask } from './metrics/daily-metrics.task';
import { MonitorTaskQueueTask } from './monitoring/monitor-task-queue.task';

/** backend.app.tasks.system_tasks: health, queue monitoring, daily metrics and the test tasks. */
@Module({
  providers: [HealthCheckTask, MonitorTaskQueueTask, TestTasks, DailyMetricsTask],
})
export class SystemModule {}
