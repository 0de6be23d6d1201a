import { SubCommand } from 'nest-commander';
import { Inspector } from '@brain/tasks';
import { runCommand } from '../../cli-error';
import { formatCall, formatDuration, formatTime } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withControlApp } from '../../with-control-app';

@SubCommand({
  name: 'active',
  description: 'Tasks running now (STARTED), on every live worker, as Redis records them',
})
export class TasksActiveCommand extends OutputCommand {
  async run(_params: string[], options: OutputOptions = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const active = await app.get(Inspector).active();
        if (options.json) return printJson(active);
        const now = Date.now();
        printTable(active, [
          { header: 'TASK ID', value: (t) => t.task_id },
          { header: 'NAME', value: (t) => t.task_name },
          { header: 'QUEUE', value: (t) => t.queue },
          { header: 'WORKER', value: (t) => t.worker },
          { header: 'PID', value: (t) => t.pid, align: 'right' },
          {
            header: 'STARTED',
            value: (t) => `${formatTime(t.time_start)}${t.reserved ? ' (reserved)' : ''}`,
          },
          {
            header: 'RUNNING FOR',
            value: (t) => formatDuration((now - Date.parse(t.time_start)) / 1000),
            align: 'right',
          },
          { header: 'ARGUMENTS', value: (t) => formatCall(t.args, t.kwargs) },
        ]);
        printLine(`${active.length} running`);
      }),
    );
  }
}
