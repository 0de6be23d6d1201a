import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { loadAppConfig } from '@brain/config';
import { runApi } from '../../../api/src/run-api';
import { loadIncludes } from '../../../worker/src/task-includes';
import { GroupCommand } from './group-command';
import { runCommand, usage } from '../cli-error';
import { checkEnvironment } from '../redis-target';

/** A TCP port: 0 picks any free one. */
export function parsePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error('--port must be a whole number from 0 to 65535');
  return n;
}

@SubCommand({ name: 'start', description: 'Run the REST API in the foreground until SIGTERM' })
export class ApiStartCommand extends CommandRunner {
  async run(_params: string[], options: { port?: string; include?: string } = {}): Promise<void> {
    await runCommand(async () => {
      const port = options.port === undefined ? undefined : usage(() => parsePort(options.port!));
      checkEnvironment();
      const include = options.include ?? process.env.BRAIN_INCLUDE;
      return runApi(port ?? loadAppConfig(process.env).port, loadIncludes(include));
    });
  }

  @Option({ flags: '-p, --port <port>', description: 'port to listen on (default PORT, 8000)' })
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

@Command({ name: 'api', description: 'REST API: start', subCommands: [ApiStartCommand] })
export class ApiCommand extends GroupCommand {}
