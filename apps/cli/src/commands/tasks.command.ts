import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { Inspector, type ScheduledTask } from '@brain/tasks';
import { runCommand } from '../cli-error';
import { withControlApp } from '../with-control-app';

function describeWait(t: ScheduledTask): string {
  if (t.schedule) {
    const every = t.schedule.every_seconds;
    return `${t.schedule.key} (${every !== null ? `every ${every}s` : `cron ${t.schedule.cron}`})`;
  }
  return `${t.task_id}${t.retry ? ' (retry)' : ''}`;
}

@SubCommand({
  name: 'scheduled',
  description:
    'Tasks waiting for a countdown, an ETA or a retry, and each periodic schedule’s next run',
})
export class TasksScheduledCommand extends CommandRunner {
  async run(_params: string[], options: { json?: boolean } = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const scheduled = await app.get(Inspector).scheduled();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(scheduled, null, 2)}\n`);
          return 0;
        }
        for (const t of scheduled) {
          process.stdout.write(
            `${t.eta}  ${t.queue.padEnd(11)} ${t.task_name}  ${describeWait(t)}\n`,
          );
        }
        process.stdout.write(`${scheduled.length} scheduled\n`);
        return 0;
      }),
    );
  }

  @Option({ flags: '--json', description: 'print JSON' })
  parseJson(): boolean {
    return true;
  }
}

@Command({
  name: 'tasks',
  description: 'Task management: scheduled (more with the CLI issue)',
  subCommands: [TasksScheduledCommand],
})
export class TasksCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
