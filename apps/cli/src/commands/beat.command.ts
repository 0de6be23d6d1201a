import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { BeatRunner } from '@brain/tasks';
import { runBeat } from '../../../worker/src/run-beat';
import { GroupCommand } from './group-command';
import { runCommand } from '../cli-error';
import { checkEnvironment } from '../redis-target';
import { withControlApp } from '../with-control-app';

@SubCommand({
  name: 'start',
  description: 'Register the declared schedules and run beat until SIGTERM or `beat stop`',
})
export class BeatStartCommand extends CommandRunner {
  async run(_params: string[], options: { include?: string } = {}): Promise<void> {
    await runCommand(async () => {
      checkEnvironment();
      return runBeat(options.include ?? process.env.BRAIN_INCLUDE);
    });
  }

  @Option({
    flags: '-I, --include <paths>',
    description: 'comma-separated files of extra task modules',
  })
  parseInclude(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'stop', description: 'Stop every beat process and periodic firing' })
export class BeatStopCommand extends CommandRunner {
  async run(): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const removed = await app.get(BeatRunner).requestStopAll();
        process.stdout.write(`beat stopped; ${removed.length} schedule(s) removed\n`);
        return 0;
      }),
    );
  }
}

@Command({
  name: 'beat',
  description: 'Beat scheduler: start, stop',
  subCommands: [BeatStartCommand, BeatStopCommand],
})
export class BeatCommand extends GroupCommand {}
