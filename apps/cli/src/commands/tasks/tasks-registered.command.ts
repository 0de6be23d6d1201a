import { Option, SubCommand } from 'nest-commander';
import { registeredTasks } from '@brain/auth';
import { TaskRegistry } from '@brain/tasks';
import { runCommand } from '../../cli-error';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withControlApp } from '../../with-control-app';

@SubCommand({
  name: 'registered',
  description:
    'Every task this installation declares (with BRAIN_INCLUDE / --include): queue, the role that may send it, params',
})
export class TasksRegisteredCommand extends OutputCommand<OutputOptions & { include?: string }> {
  async run(_params: string[], options: OutputOptions & { include?: string } = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(
        async (app) => {
          const registry = app.get(TaskRegistry);
          const listed = registeredTasks(registry.all());
          // The API's answer, field for field.
          if (options.json) return printJson(listed);
          printTable(listed.details, [
            { header: 'TASK', value: (t) => t.name },
            { header: 'QUEUE', value: (t) => t.queue },
            { header: 'ROLE', value: (t) => t.role },
            {
              header: 'PARAMS',
              value: (t) => (registry.get(t.name).options.params ?? []).join(', '),
            },
          ]);
          printLine(`${listed.total} registered`);
        },
        { include: options.include },
      ),
    );
  }

  @Option({
    flags: '-I, --include <paths>',
    description: 'comma-separated files of extra task modules (default BRAIN_INCLUDE)',
  })
  parseInclude(value: string): string {
    return value;
  }
}
