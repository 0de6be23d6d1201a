import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { TaskWorker, type WorkerStartOptions } from '@brain/tasks';
import { loadIncludes } from './task-includes';
import { waitForStop } from './wait-for-stop';
import { WorkerAppModule } from './worker-app.module';

/**
 * Runs a worker until SIGTERM/SIGINT or a remote `worker stop`: then it stops taking tasks, lets
 * running ones finish within the grace period, and closes. Answers the exit code.
 */
export async function runWorker(options: WorkerStartOptions, include?: string): Promise<number> {
  const app = await NestFactory.createApplicationContext(
    WorkerAppModule.register(loadIncludes(include)),
    {
      logger: ['log', 'warn', 'error'],
    },
  );
  const worker = app.get(TaskWorker);
  await worker.start({
    ...options,
    pool: options.pool && {
      ...options.pool,
      childEntry: join(__dirname, 'pool-child.js'),
      // Children load the same extra task modules as this worker.
      childEnv: { ...process.env, BRAIN_INCLUDE: include ?? '' },
    },
  });
  const reason = await waitForStop(worker.shutdownRequest);
  new Logger('Worker').log(
    `${reason === 'SIGUSR2' ? 'remote stop' : reason} received: warm shutdown`,
  );
  const finished = await worker.stop();
  await app.close();
  if (!finished) {
    // Tasks past the grace period would keep this process alive: their jobs go back to the queue
    // through stalled-job recovery, so leave now, once the logs are out.
    setTimeout(() => process.exit(0), 100);
  }
  return 0;
}
