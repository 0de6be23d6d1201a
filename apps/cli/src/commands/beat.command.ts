import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { BeatRunner } from '@brain/tasks';
import { runBeat } from '../../../worker/src';
import { runCommand } from '../cli-error';
import { checkEnvironment } from '../redis-target';
import { withControlApp } from '../with-control-app';
import { GroupCommand } from './group-command';
import { StartCommand, type StartOptions } from './start-options';

@SubCommand({
  name: 'start',
  description: 'Register the declared schedules and run beat until SIGTERM or `beat stop`',
})
export class BeatStartCommand extends StartCommand {
  async run(_params: string[], options: StartOptions = {}): Promise<void> {
    await runCommand(async () => {
      checkEnvironment();
      return runBeat(this.includeOf(options));
    });
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
