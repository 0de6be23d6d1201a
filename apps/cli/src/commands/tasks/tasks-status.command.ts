import { SubCommand } from 'nest-commander';
import { ResultStore, TaskNotFoundError, taskDetail } from '@brain/tasks';
import { runCommand } from '../../cli-error';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson } from '../../output/print';
import { withControlApp } from '../../with-control-app';
import { printTaskDetail } from './print-task';

@SubCommand({
  name: 'status',
  arguments: '<task_id>',
  argsDescription: { task_id: 'the id `tasks execute` printed' },
  description:
    'A task’s state, result or error and traceback, timeline of states and retries, worker, times',
})
export class TasksStatusCommand extends OutputCommand {
  async run([taskId]: string[], options: OutputOptions = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const view = await app.get(ResultStore).view(taskId);
        if (!view) throw new TaskNotFoundError(taskId);
        const detail = taskDetail(view.record, view.events);
        if (options.json) return printJson(detail);
        printTaskDetail(detail);
      }),
    );
  }
}
