import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { isMainThread, parentPort } from 'node:worker_threads';
import { loadAppConfig } from '@brain/config';
import { loggerFromEnv } from '@brain/logging';
import {
  type ChildChannel,
  type ChildMessage,
  type ParentMessage,
  PREFORK_CHILD_CONFIG_ENV,
  type PreforkChannel,
  type PreforkChildConfig,
  type ResolvedTasksOptions,
  RedisConnection,
  RevocationService,
  serializeError,
  serveChild,
  servePreforkChild,
  TaskExecutor,
  TaskMetricsRecorder,
  TaskRegistry,
  TASKS_OPTIONS,
} from '@brain/tasks';
import { ChildAppModule } from './child-app.module';
import { loadIncludes } from '@brain/runtime';
import { WorkerAppModule } from './worker-app.module';

/**
 * A pool child: a prefork child process (a consumer of its own, supervised by the worker), or a
 * worker thread of the threads pool (fed by the worker). Either builds the same task modules as
 * the worker, once, then runs many tasks.
 */
type AnyMessage = ChildMessage | Parameters<PreforkChannel['send']>[0];

function send(message: AnyMessage): Promise<void> {
  if (!isMainThread && parentPort) return Promise.resolve(parentPort.postMessage(message));
  // The worker may be gone already: then 'disconnect' ends this process.
  return new Promise<void>((resolve) =>
    process.send ? process.send(message, undefined, {}, () => resolve()) : resolve(),
  );
}

function onMessage<M>(listener: (message: M) => void): void {
  if (!isMainThread && parentPort) parentPort.on('message', listener);
  else process.on('message', listener as (message: unknown) => void);
}

async function main(): Promise<void> {
  if (isMainThread) {
    // The worker is gone (killed with its process group, say): a child must not outlive it.
    process.on('disconnect', () => process.exit(1));
    // Ctrl-C reaches the whole process group: the worker decides when its children stop (after
    // the tasks they run), so the child itself ignores it.
    process.on('SIGINT', () => undefined);
  }
  const prefork = process.env[PREFORK_CHILD_CONFIG_ENV];
  try {
    loadAppConfig(process.env);
    const includes = loadIncludes(process.env.BRAIN_INCLUDE);
    if (prefork) return await preforkChild(JSON.parse(prefork) as PreforkChildConfig, includes);
    // The worker's LOG_LEVEL and LOG_FORMAT come with its environment.
    const app = await NestFactory.createApplicationContext(ChildAppModule.register(includes), {
      logger: loggerFromEnv(),
    });
    const channel: ChildChannel = { send, onMessage: (l) => onMessage<ParentMessage>(l) };
    serveChild(app.get(TaskRegistry), channel, () => {
      void app.close().then(() => (isMainThread ? process.exit(0) : parentPort?.close()));
    });
  } catch (err) {
    await send({ type: 'boot-failed', error: serializeError(err) });
    if (isMainThread) process.exit(1);
  }
}

async function preforkChild(
  config: PreforkChildConfig,
  includes: ReturnType<typeof loadIncludes>,
): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerAppModule.register(includes), {
    logger: loggerFromEnv(),
  });
  const options = app.get<ResolvedTasksOptions>(TASKS_OPTIONS);
  const finished = await servePreforkChild(
    {
      redis: app.get(RedisConnection),
      executor: app.get(TaskExecutor),
      registry: app.get(TaskRegistry),
      revocations: app.get(RevocationService),
      metrics: app.get(TaskMetricsRecorder),
      prefix: options.prefix,
      resultExpires: options.resultExpires,
    },
    { send, onMessage: (l) => onMessage<Parameters<typeof l>[0]>(l) },
    config,
  );
  await app.close();
  // Exit code 3: tasks were still running when the grace period ended (stalled-job recovery).
  process.exit(finished ? 0 : 3);
}

void main();
