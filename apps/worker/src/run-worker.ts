import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { loggerFromEnv } from '@brain/logging';
import { TaskWorker, type WorkerStartOptions } from '@brain/tasks';
import { loadIncludes, StopSignals, withDeadline } from '@brain/runtime';
import { WorkerAppModule } from './worker-app.module';

/**
 * Time to stop, beyond the grace period, before the worker leaves anyway. Each step of a stop is
 * bounded within it (a prefork pool's children leave or are killed 3 s after the grace, the rest
 * takes a second or two): this is the last resort, when Redis is gone altogether.
 */
const STOP_MARGIN_MS = 8_000;

/**
 * Runs a worker until SIGTERM/SIGINT or a remote `worker stop`: then it stops taking tasks, lets
 * running ones finish within the grace period, and closes. Answers the exit code.
 */
export async function runWorker(options: WorkerStartOptions, include?: string): Promise<number> {
  // A file that cannot be included is the only line a failed start prints (CLI: exit 2).
  const includes = loadIncludes(include);
  const signals = new StopSignals();
  const processLogger = loggerFromEnv();
  processLogger.log(`starting worker ${options.hostname}`, 'Worker');
  const app = await NestFactory.createApplicationContext(WorkerAppModule.register(includes), {
    logger: processLogger,
  });
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
  signals.started();
  const reason = await signals.wait(worker.shutdownRequest);
  const logger = new Logger('Worker');
  logger.log(`${reason === 'SIGUSR2' ? 'remote stop' : reason} received: warm shutdown`);
  // Stopping talks to Redis (ending jobs, leaving the directory): with Redis gone it could wait for
  // ever. Past the grace period and a margin, leave: unfinished tasks keep their locks, and
  // stalled-job recovery gives them to another worker.
  const deadlineMs = (options.gracePeriodMs ?? 30_000) + STOP_MARGIN_MS;
  let finished = false;
  const stopped = await withDeadline(
    worker.stop().then(async (done) => {
      finished = done;
      await app.close();
    }),
    deadlineMs,
  );
  if (!stopped)
    logger.warn(`not stopped within ${deadlineMs / 1000} s (Redis unreachable?): leaving`);
  if (!finished || !stopped) {
    // Tasks past the grace period would keep this process alive: their jobs go back to the queue
    // through stalled-job recovery, so leave now, once the logs are out.
    setTimeout(() => process.exit(0), 100);
  }
  return 0;
}
