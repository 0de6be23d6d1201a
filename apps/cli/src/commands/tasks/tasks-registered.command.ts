import { Option, SubCommand } from 'nest-commander';
import { Inspector, TaskRegistry } from '@brain/tasks';
import { runCommand } from '../../cli-error';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withControlApp } from '../../with-control-app';

@SubCommand({
  name: 'registered',
  description: 'Every task name this installation declares (with BRAIN_INCLUDE / --include)',
})
export class TasksRegisteredCommand extends OutputCommand<OutputOptions & { include?: string }> {
  async run(_params: string[], options: OutputOptions & { include?: string } = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(
        async (app) => {
          const names = app.get(Inspector).registered();
          if (options.json) return printJson({ tasks: names, total: names.length });
          const registry = app.get(TaskRegistry);
          printTable(
            names.map((n) => registry.get(n)),
            [
              { header: 'TASK', value: (t) => t.name },
              { header: 'QUEUE', value: (t) => t.queue },
              { header: 'PARAMS', value: (t) => (t.options.params ?? []).join(', ') },
            ],
          );
          printLine(`${names.length} registered`);
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
