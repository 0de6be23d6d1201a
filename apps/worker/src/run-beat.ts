import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loggerFromEnv } from '@brain/logging';
import { BeatRunner } from '@brain/tasks';
import { BeatAppModule } from './beat-app.module';
import { loadIncludes, StopSignals, withDeadline } from '@brain/runtime';

const STOP_DEADLINE_MS = 10_000;

/** Runs a beat process until SIGTERM/SIGINT or `brain beat stop`. Answers the exit code. */
export async function runBeat(include?: string): Promise<number> {
  // A file that cannot be included is the only line a failed start prints (CLI: exit 2).
  const includes = loadIncludes(include);
  const signals = new StopSignals();
  const logger = loggerFromEnv();
  logger.log('starting beat', 'Beat');
  const app = await NestFactory.createApplicationContext(BeatAppModule.register(includes), {
    logger,
  });
  const beat = app.get(BeatRunner);
  await beat.start();
  signals.started();
  const reason = await signals.wait(beat.stopRequest);
  new Logger('Beat').log(`${reason === 'SIGUSR2' ? 'beat stop' : reason} received: stopping`);
  // Stopping talks to Redis (the last beat out removes the schedules): with Redis gone it could
  // wait for ever.
  const stopped = await withDeadline(
    beat.stop().then(() => app.close()),
    STOP_DEADLINE_MS,
  );
  if (!stopped) new Logger('Beat').warn(`not stopped within ${STOP_DEADLINE_MS / 1000} s: leaving`);
  return 0;
}
