import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BeatRunner } from '@brain/tasks';
import { BeatAppModule } from './beat-app.module';
import { loadIncludes } from './task-includes';
import { waitForStop } from './wait-for-stop';

/** Runs a beat process until SIGTERM/SIGINT or `brain beat stop`. Answers the exit code. */
export async function runBeat(include?: string): Promise<number> {
  const app = await NestFactory.createApplicationContext(
    BeatAppModule.register(loadIncludes(include)),
    {
      logger: ['log', 'warn', 'error'],
    },
  );
  const beat = app.get(BeatRunner);
  await beat.start();
  const reason = await waitForStop(beat.stopRequest);
  new Logger('Beat').log(`${reason === 'SIGUSR2' ? 'beat stop' : reason} received: stopping`);
  await beat.stop();
  await app.close();
  return 0;
}
