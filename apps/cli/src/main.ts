import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    cliName: 'brain',
    logger: ['error', 'warn'],
    // Our errorHandler prints the one line; commander's own copy would repeat it.
    outputConfiguration: { writeErr: () => undefined, outputError: () => undefined },
    errorHandler: (err: Error & { exitCode?: number; code?: string }) => {
      // commander: help and version exit 0; unknown commands and options are bad usage.
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        process.exit(0);
      }
      process.stderr.write(`brain: ${err.message.replace(/^error: /, '')}\n`);
      process.exit(2);
    },
    serviceErrorHandler: (err: Error) => {
      process.stderr.write(`brain: ${err.message}\n`);
      process.exitCode = 1;
    },
  });
}

void main();
