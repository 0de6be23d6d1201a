import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { isMainThread, parentPort } from 'node:worker_threads';
import { loadAppConfig } from '@brain/config';
import {
  type ChildChannel,
  type ChildMessage,
  type ParentMessage,
  serializeError,
  serveChild,
  TaskRegistry,
} from '@brain/tasks';
import { ChildAppModule } from './child-app.module';
import { loadIncludes } from './task-includes';

/**
 * A pool child (a forked process, or a worker thread): builds the same task modules as the worker,
 * once, then runs tasks as the worker hands them over.
 */
function channel(): ChildChannel {
  if (!isMainThread && parentPort) {
    const port = parentPort;
    return {
      send: (m: ChildMessage) => Promise.resolve(port.postMessage(m)),
      onMessage: (l: (m: ParentMessage) => void) => port.on('message', l),
    };
  }
  // The worker is gone (killed with its process group, say): a child must not outlive it.
  process.on('disconnect', () => process.exit(1));
  // Ctrl-C reaches the whole process group: the worker decides when its children stop (after the
  // tasks they run), so the child itself ignores it.
  process.on('SIGINT', () => undefined);
  return {
    // The worker may be gone already: then 'disconnect' ends this process.
    send: (m: ChildMessage) =>
      new Promise<void>((resolve) =>
        process.send ? process.send(m, undefined, {}, () => resolve()) : resolve(),
      ),
    onMessage: (l: (m: ParentMessage) => void) => process.on('message', l),
  };
}

async function main(): Promise<void> {
  const ch = channel();
  try {
    loadAppConfig(process.env);
    const app = await NestFactory.createApplicationContext(
      ChildAppModule.register(loadIncludes(process.env.BRAIN_INCLUDE)),
      { logger: ['warn', 'error'] },
    );
    serveChild(app.get(TaskRegistry), ch, () => {
      void app.close().then(() => (isMainThread ? process.exit(0) : parentPort?.close()));
    });
  } catch (err) {
    await ch.send({ type: 'boot-failed', error: serializeError(err) });
    if (isMainThread) process.exit(1);
  }
}

void main();
