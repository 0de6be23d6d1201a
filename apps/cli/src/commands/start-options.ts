import type { Type } from '@nestjs/common';
import { CommandRunner, Option } from 'nest-commander';
import { type AppConfig, loadAppConfig } from '@brain/config';
import { loadIncludes } from '@brain/runtime';
import { runCommand, usage } from '../cli-error';
import { checkEnvironment } from '../redis-target';

export interface StartOptions {
  include?: string;
}

export interface ServeOptions extends StartOptions {
  port?: string;
}

/** A TCP port: 0 picks any free one. */
export function parsePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error('--port must be a whole number from 0 to 65535');
  return n;
}

/** The `start` of every long-running process (api, flower, worker, beat): `-I, --include`. */
export abstract class StartCommand extends CommandRunner {
  @Option({
    flags: '-I, --include <paths>',
    description: 'comma-separated files of extra task modules',
  })
  parseInclude(value: string): string {
    return value;
  }

  /** The files to include: the option, else BRAIN_INCLUDE, as every process of a deployment. */
  protected includeOf(options: StartOptions): string | undefined {
    return options.include ?? process.env.BRAIN_INCLUDE;
  }
}

/**
 * The `start` of an HTTP server (api, flower): `--port`, whose default (`portDefault`, for the
 * help) comes from the configuration, and `--include`.
 */
export function ServeCommand(portDefault: string) {
  abstract class Serve extends StartCommand {
    @Option({
      flags: '-p, --port <port>',
      description: `port to listen on (default ${portDefault})`,
    })
    parsePort(value: string): string {
      return value;
    }

    /** Runs the server on the port asked for, else the configured one, until it stops. */
    protected serve(
      options: ServeOptions,
      configuredPort: (config: AppConfig) => number,
      run: (port: number, includes: Type[]) => Promise<number>,
    ): Promise<void> {
      return runCommand(async () => {
        const port = options.port === undefined ? undefined : usage(() => parsePort(options.port!));
        checkEnvironment();
        return run(
          port ?? configuredPort(loadAppConfig(process.env)),
          loadIncludes(this.includeOf(options)),
        );
      });
    }
  }
  return Serve;
}
