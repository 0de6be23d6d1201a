import { CommandRunner } from 'nest-commander';

/**
 * A command that only groups subcommands (`brain tasks`): alone it shows its help on stderr and
 * exits 2 (a subcommand is missing); with an unknown subcommand it says so in one line.
 */
export abstract class GroupCommand extends CommandRunner {
  async run(params: string[]): Promise<void> {
    if (!params.length) this.command.help({ error: true });
    const path = `${this.command.parent?.name() ?? 'brain'} ${this.command.name()}`;
    process.stderr.write(
      `brain: unknown command '${params[0]}' for '${path}' (see ${path} --help)\n`,
    );
    process.exitCode = 2;
  }
}
