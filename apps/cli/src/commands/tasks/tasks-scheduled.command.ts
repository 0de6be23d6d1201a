import { SubCommand } from 'nest-commander';
import { Inspector, type ScheduledTask } from '@brain/tasks';
import { runCommand } from '../../cli-error';
import { formatCall, formatTime } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withControlApp } from '../../with-control-app';

function describeWait(t: ScheduledTask): string {
  if (t.schedule) {
    const every = t.schedule.every_seconds;
    return `${t.schedule.key} (${every !== null ? `every ${every}s` : `cron ${t.schedule.cron}`})`;
  }
  return t.retry ? 'retry' : 'countdown/eta';
}

@SubCommand({
  name: 'scheduled',
  description:
    'Tasks waiting for a countdown, an ETA or a retry, and each periodic schedule’s next run',
})
export class TasksScheduledCommand extends OutputCommand {
  async run(_params: string[], options: OutputOptions = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const scheduled = await app.get(Inspector).scheduled();
        if (options.json) return printJson(scheduled);
        printTable(scheduled, [
          { header: 'ETA', value: (t) => formatTime(t.eta) },
          { header: 'QUEUE', value: (t) => t.queue },
          { header: 'TASK', value: (t) => t.task_name },
          { header: 'WAITING FOR', value: describeWait },
          { header: 'TASK ID', value: (t) => (t.schedule ? null : t.task_id) },
          { header: 'ARGS', value: (t) => formatCall(t.args, t.kwargs) },
        ]);
        printLine(`${scheduled.length} scheduled`);
      }),
    );
  }
}
