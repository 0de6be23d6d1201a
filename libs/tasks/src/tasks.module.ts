import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TaskClient } from './client/task-client.service';
import {
  resolveTasksOptions,
  type ResolvedTasksOptions,
  TASKS_OPTIONS,
  type TasksModuleOptions,
} from './config/tasks-module-options';
import { ActiveTasks } from './inspect/active-tasks.service';
import { Inspector } from './inspect/inspector.service';
import { QueueInspector } from './inspect/queue-inspector.service';
import { TaskThroughput } from './inspect/task-throughput.service';
import { WorkerDirectory } from './inspect/worker-directory.service';
import { TaskMetricsReader } from './metrics/task-metrics.reader';
import { TaskMetricsRecorder } from './metrics/task-metrics.recorder';
import { QUEUE_NAMES } from './queues/queue-names';
import { QueueRegistry } from './queues/queue-registry';
import { PartitionLayout } from './redis/partition-layout.service';
import { RedisConnection } from './redis/redis-connection.service';
import { TaskRegistry } from './registry/task-registry';
import { RecordBatchReader } from './results/record-batch-reader';
import { ResultStore } from './results/result-store.service';
import { ResultWaiter } from './results/result-waiter.service';
import { TaskListing } from './results/task-listing.service';
import { RevocationService } from './revocation/revocation.service';
import { TaskRouter } from './routing/task-router';

export interface TasksModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => TasksModuleOptions | Promise<TasksModuleOptions>;
}

const SERVICES = [
  TaskRouter,
  TaskRegistry,
  QueueRegistry,
  PartitionLayout,
  ResultStore,
  ResultWaiter,
  TaskListing,
  RecordBatchReader,
  TaskClient,
  RevocationService,
  WorkerDirectory,
  QueueInspector,
  ActiveTasks,
  Inspector,
  TaskMetricsRecorder,
  TaskMetricsReader,
  TaskThroughput,
];

@Global()
@Module({})
class TasksOptionsModule {
  static register(options: TasksModuleAsyncOptions): DynamicModule {
    const provider: Provider = {
      provide: TASKS_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) =>
        resolveTasksOptions(await options.useFactory(...args)),
    };
    // The connection lives beside the options, so that BullMQ's root options can take it.
    return {
      module: TasksOptionsModule,
      imports: options.imports ?? [],
      providers: [provider, RedisConnection],
      exports: [provider, RedisConnection],
    };
  }
}

/**
 * The engine, for every process that sends or inspects tasks. It starts no consumer: only the
 * worker app adds {@link TaskWorkerModule}.
 */
@Global()
@Module({})
export class TasksModule {
  static forRoot(options: TasksModuleOptions): DynamicModule {
    return this.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: TasksModuleAsyncOptions): DynamicModule {
    const optionsModule = TasksOptionsModule.register(options);
    return {
      module: TasksModule,
      imports: [
        DiscoveryModule,
        optionsModule,
        BullModule.forRootAsync({
          imports: [optionsModule],
          inject: [TASKS_OPTIONS, RedisConnection],
          useFactory: (o: ResolvedTasksOptions, redis: RedisConnection) => ({
            connection: redis.bullConnection(o.failFast),
            prefix: o.prefix,
          }),
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: SERVICES,
      exports: [...SERVICES, optionsModule],
    };
  }
}
