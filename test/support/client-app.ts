import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StorageModule } from '@brain/storage';
import { SystemModule } from '@brain/system';
import * as engine from '@brain/tasks';
import { BeatModule, TaskClient, TasksModule, ResultStore, type TaskRecord } from '@brain/tasks';
import { sharedSqliteConfig } from './databases';
import { testRedisUrl } from './redis';
import { waitFor } from './wait';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixtures = require('../fixtures/fixture-tasks.js') as {
  register: (e: typeof engine) => engine.TaskDefinition | never;
};

/** A sending side (like the API): engine, beat service, system and fixture tasks; no consumer. */
export async function clientApp(
  prefix: string,
  resultExpires = 3600,
  redisUrl = testRedisUrl(),
  sentinelPassword?: string,
  /** REDIS_PARTITIONS of this process (1 by default). */
  partitions?: number,
): Promise<INestApplicationContext> {
  @Module({
    imports: [
      TasksModule.forRoot({ redisUrl, sentinelPassword, prefix, resultExpires, partitions }),
      StorageModule.forRoot({ database: sharedSqliteConfig() }),
      BeatModule,
      SystemModule,
      fixtures.register(engine) as unknown as never,
    ],
  })
  class ClientAppModule {}
  return NestFactory.createApplicationContext(ClientAppModule, { logger: ['error'] });
}

export function tasks(app: INestApplicationContext): { client: TaskClient; results: ResultStore } {
  return { client: app.get(TaskClient), results: app.get(ResultStore) };
}

/** Waits until the task's record is in one of `states`. */
export async function waitForState(
  results: ResultStore,
  taskId: string,
  states: engine.TaskState[],
  timeoutMs = 20_000,
): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = await results.get(taskId);
      return r && states.includes(r.state) ? r : undefined;
    },
    `${taskId} to reach ${states.join('/')}`,
    timeoutMs,
  );
}

/** The states of a task failing each of its three tries (two retries), oldest first. */
export const FAILED_AFTER_TWO_RETRIES: engine.TaskState[] = [
  'PENDING',
  'STARTED',
  'RETRY',
  'STARTED',
  'RETRY',
  'STARTED',
  'FAILURE',
];
