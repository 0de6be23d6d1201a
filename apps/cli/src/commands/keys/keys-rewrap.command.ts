import { readFileSync } from 'node:fs';
import { Option, SubCommand } from 'nest-commander';
import { KeyringError, MasterKeyRewrap } from '@brain/storage';
import { auditCli } from '../../cli-audit';
import { CliError, runCommand } from '../../cli-error';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine } from '../../output/print';
import { withStorageApp } from '../../with-storage-app';

interface RewrapOptions extends OutputOptions {
  oldKeyFile?: string;
}

@SubCommand({
  name: 'rewrap',
  description:
    'After changing BRAIN_MASTER_KEY: re-wrap every encryption key from the old master key (read from a file) to the new one',
})
export class KeysRewrapCommand extends OutputCommand<RewrapOptions> {
  async run(_params: string[], options: RewrapOptions = {}): Promise<void> {
    await runCommand(async () => {
      const oldKey = readOldKey(options.oldKeyFile as string);
      return withStorageApp(async (app) => {
        let outcome;
        try {
          outcome = await app.get(MasterKeyRewrap).rewrap(oldKey);
        } catch (err) {
          // A wrong old key or a missing BRAIN_MASTER_KEY: the caller's to fix; nothing changed.
          if (err instanceof KeyringError) throw new CliError(err.message, 2);
          throw err;
        }
        await auditCli(app, 'keys.rewrap', {
          detail: {
            rewrapped: outcome.rewrapped_key_ids.length,
            already_current: outcome.current_key_ids.length,
          },
        });
        if (options.json) return printJson(outcome);
        printLine(
          `re-wrapped ${outcome.rewrapped_key_ids.length} encryption key(s) with BRAIN_MASTER_KEY; ` +
            `${outcome.current_key_ids.length} already were`,
        );
        printLine('Every process must now run with the new BRAIN_MASTER_KEY (restart them).');
      });
    });
  }

  @Option({
    flags: '--old-key-file <path>',
    description: 'a file holding the previous master key (one line, as var/master-key)',
    required: true,
  })
  parseOldKeyFile(value: string): string {
    return value;
  }
}

/** The old master key: the file's text without its trailing newline (as `brain up` writes it). */
function readOldKey(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `--old-key-file: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`,
      2,
    );
  }
  const key = text.trim();
  if (key === '') throw new CliError(`--old-key-file: ${path} is empty`, 2);
  return key;
}
