import { Command, SubCommand } from 'nest-commander';
import { runDashboard } from '../../../dashboard/src';
import { GroupCommand } from './group-command';
import { ServeCommand, type ServeOptions } from './start-options';

@SubCommand({
  name: 'start',
  description: 'Run the monitoring UI in the foreground until SIGTERM',
})
export class FlowerStartCommand extends ServeCommand('DASHBOARD_PORT, 5555') {
  async run(_params: string[], options: ServeOptions = {}): Promise<void> {
    await this.serve(options, (config) => config.dashboardPort, runDashboard);
  }
}

/**
 * Celery's `flower`: our monitoring UI, also known as `dashboard`. A group like `api`: alone it
 * shows its help and exits 2 (`flower start` runs it).
 */
@Command({
  name: 'flower',
  aliases: ['dashboard'],
  description: 'Monitoring UI (also `dashboard`): start',
  subCommands: [FlowerStartCommand],
})
export class FlowerCommand extends GroupCommand {}
