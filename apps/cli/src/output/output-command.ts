import { CommandRunner, Option } from 'nest-commander';

export interface OutputOptions {
  json?: boolean;
}

/** A command that answers with a table by default, or with JSON for scripts (`--json`). */
export abstract class OutputCommand<O extends OutputOptions = OutputOptions> extends CommandRunner {
  abstract override run(params: string[], options?: O): Promise<void>;

  @Option({
    flags: '--json',
    description: 'print JSON (the REST API’s snake_case shapes) instead of a table',
  })
  parseJson(): boolean {
    return true;
  }
}
