import { Command, SubCommand } from 'nest-commander';
import { runApi } from '../../../api/src';
import { GroupCommand } from './group-command';
import { ServeCommand, type ServeOptions } from './start-options';

@SubCommand({ name: 'start', description: 'Run the REST API in the foreground until SIGTERM' })
export class ApiStartCommand extends ServeCommand('PORT, 8000') {
  async run(_params: string[], options: ServeOptions = {}): Promise<void> {
    await this.serve(options, (config) => config.port, runApi);
  }
}

@Command({ name: 'api', description: 'REST API: start', subCommands: [ApiStartCommand] })
export class ApiCommand extends GroupCommand {}
