import { Module } from '@nestjs/common';
import { TaskExecutor } from './task-executor';
import { TaskWorker } from './task-worker.service';

/** Consumers: imported by the worker process only. */
@Module({
  providers: [TaskExecutor, TaskWorker],
  exports: [TaskWorker],
})
export class TaskWorkerModule {}
