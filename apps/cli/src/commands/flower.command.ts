import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { loadAppConfig } from '@brain/config';
import { runDashboard } from '../../../dashboard/src/run-dashboard';
import { loadIncludes } from '../../../worker/src/task-includes';
import { runCommand, usage } from '../cli-error';
import { checkEnvironment } from '../redis-target';
import { parsePort } from './api.command';

@SubCommand({
  name: 'start',
  description: 'Run the monitoring UI in the foreground until SIGTERM',
})
export class FlowerStartCommand extends CommandRunner {
  async run(_params: string[], options: { port?: string; include?: string } = {}): Promise<void> {
    await runCommand(async () => {
      const port = options.port === undefined ? undefined : usage(() => parsePort(options.port!));
      checkEnvironment();
      const include = options.include ?? process.env.BRAIN_INCLUDE;
      return runDashboard(port ?? loadAppConfig(process.env).dashboardPort, loadIncludes(include));
    });
  }

  @Option({
    flags: '-p, --port <port>',
    description: 'port to listen on (default DASHBOARD_PORT, 5555)',
  })
  parsePort(value: string): string {
    return value;
  }

  @Option({
    flags: '-I, --include <paths>',
    description: 'comma-separated files of extra task modules',
  })
  parseInclude(value: string): string {
    return value;
  }
}

/** Celery's `flower`: our monitoring UI, also known as `dashboard`. */
@Command({
  name: 'flower',
  aliases: ['dashboard'],
  description: 'Monitoring UI (also `dashboard`): start',
  subCommands: [FlowerStartCommand],
})
export class FlowerCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
