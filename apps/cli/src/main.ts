import 'reflect-metadata';
import type { Command, CommanderError } from 'commander';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { CliModule } from './cli.module';

/** Help and version end with 0; every other parse error is bad usage (2), said in one line. */
function onParseError(err: CommanderError): never {
  if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code))
    process.exit(0);
  process.stderr.write(`brain: ${err.message.replace(/^error: /, '')}\n`);
  process.exit(2);
}

/**
 * nest-commander builds each subcommand as a fresh commander Command, which inherits neither the
 * exit override nor the output settings: apply them through the whole tree.
 */
function configureTree(command: Command): void {
  command.exitOverride(onParseError);
  // onParseError prints the one line; commander's own copy would repeat it.
  command.configureOutput({ outputError: () => undefined });
  for (const sub of command.commands) configureTree(sub);
}

async function main(): Promise<void> {
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    cliName: 'brain',
    logger: ['error', 'warn'],
    serviceErrorHandler: (err: Error) => {
      process.stderr.write(`brain: ${err.message}\n`);
      process.exitCode = 1;
    },
  });
  const runner = app.get(CommandRunnerService);
  configureTree((runner as unknown as { commander: Command }).commander);
  await CommandFactory.runApplication(app);
  await app.close();
}

void main();
