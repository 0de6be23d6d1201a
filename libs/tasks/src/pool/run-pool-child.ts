import type { INestApplicationContext } from '@nestjs/common';
import { isMainThread, parentPort } from 'node:worker_threads';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskMetricsRecorder } from '../metrics/task-metrics.recorder';
import { PartitionLayout } from '../redis/partition-layout.service';
import { RedisConnection } from '../redis/redis-connection.service';
import { TaskRegistry } from '../registry/task-registry';
import { RevocationService } from '../revocation/revocation.service';
import type { PreforkChannel } from '../worker/prefork/prefork-channel';
import { CHILD_STOP_MARGIN_MS, servePreforkChild } from '../worker/prefork/prefork-child';
import { withDeadline } from '../worker/with-deadline';
import {
  PREFORK_CHILD_CONFIG_ENV,
  type PreforkChildConfig,
} from '../worker/prefork/prefork-protocol';
import { TaskExecutor } from '../worker/task-executor';
import type { ChildMessage, ParentMessage } from './pool-protocol';
import { serializeError } from './serialize-error';
import { type ChildChannel, serveChild } from './thread-child';

/**
 * What a pool child is: a prefork child process (a consumer of its own, supervised by the
 * worker: its app is a worker's, TaskWorkerModule included), or a worker thread of the threads
 * pool (fed by the worker: its app holds the task modules and consumes nothing).
 */
export type PoolChildKind = 'prefork' | 'thread';

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

/**
 * The life of a pool child, in the script the pool starts (the worker's pool entry). It builds
 * its Nest application context once, with `createApp` (which loads the app's configuration and
 * task modules: whatever fails there is reported to the worker as a failed boot), then runs many
 * tasks. A prefork child exits when it leaves: 0, or 3 when tasks were still running at the end
 * of the grace period (stalled-job recovery has them).
 */
export function runPoolChild(
  createApp: (kind: PoolChildKind) => Promise<INestApplicationContext>,
): void {
  if (isMainThread) {
    // The worker is gone (killed with its process group, say): a child must not outlive it.
    process.on('disconnect', () => process.exit(1));
    // Ctrl-C reaches the whole process group: the worker decides when its children stop (after
    // the tasks they run), so the child itself ignores it.
    process.on('SIGINT', () => undefined);
  }
  void boot(createApp);
}

async function boot(
  createApp: (kind: PoolChildKind) => Promise<INestApplicationContext>,
): Promise<void> {
  const prefork = process.env[PREFORK_CHILD_CONFIG_ENV];
  try {
    if (prefork) {
      const config = JSON.parse(prefork) as PreforkChildConfig;
      return await preforkChild(await createApp('prefork'), config);
    }
    const app = await createApp('thread');
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
  app: INestApplicationContext,
  config: PreforkChildConfig,
): Promise<void> {
  const options = app.get<ResolvedTasksOptions>(TASKS_OPTIONS);
  const finished = await servePreforkChild(
    {
      redis: app.get(RedisConnection),
      executor: app.get(TaskExecutor),
      registry: app.get(TaskRegistry),
      revocations: app.get(RevocationService),
      metrics: app.get(TaskMetricsRecorder),
      partitions: app.get(PartitionLayout),
      resultExpires: options.resultExpires,
    },
    { send, onMessage: (l) => onMessage<Parameters<typeof l>[0]>(l) },
    config,
  );
  // Closing talks to Redis (QUIT on each connection): bounded, so that a node lost in a failover
  // cannot keep the child past its supervisor's deadline.
  await withDeadline(app.close(), CHILD_STOP_MARGIN_MS);
  // Exit code 3: tasks were still running when the grace period ended (stalled-job recovery).
  process.exit(finished ? 0 : 3);
}
