import 'reflect-metadata';
import type { Command, CommanderError } from 'commander';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { CliModule } from './cli.module';
import { oneLine } from './cli-error';

/**
 * Help asked for and version end with 0; help shown because a command was missing (`brain`,
 * `brain tasks`) and every other parse error is bad usage (2), said in one line.
 */
function onParseError(err: CommanderError): never {
  if (['commander.helpDisplayed', 'commander.version'].includes(err.code)) process.exit(0);
  if (err.code === 'commander.help') process.exit(err.exitCode === 0 ? 0 : 2);
  process.stderr.write(`brain: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
  process.exit(2);
}

/**
 * nest-commander builds each subcommand as a fresh commander Command, which inherits neither the
 * exit override nor the output settings: apply them through the whole tree. Commands that take
 * no more operands than they declare refuse extra ones (commander 11 ignores them by default);
 * groups keep theirs, to name an unknown subcommand (see GroupCommand).
 */
function configureTree(command: Command): void {
  command.exitOverride(onParseError);
  // onParseError prints the one line; commander's own copy would repeat it.
  command.configureOutput({ outputError: () => undefined });
  if (command.commands.length === 0) command.allowExcessArguments(false);
  for (const sub of command.commands) configureTree(sub);
}

async function main(): Promise<void> {
  // `brain tasks list | head`: a reader that goes away early is not an error of ours.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    cliName: 'brain',
    logger: ['error', 'warn'],
    serviceErrorHandler: (err: Error) => {
      process.stderr.write(`brain: ${oneLine(err.message)}\n`);
      process.exitCode = 1;
    },
  });
  const runner = app.get(CommandRunnerService);
  configureTree((runner as unknown as { commander: Command }).commander);
  await CommandFactory.runApplication(app);
  await app.close();
  // A command that failed while booting its engine may leave connections open (the boot never
  // returned an app to close): its answer is given, so do not wait for them.
  process.exit();
}

void main();
