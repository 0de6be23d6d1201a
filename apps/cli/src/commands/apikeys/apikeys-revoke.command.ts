import { SubCommand } from 'nest-commander';
import { ApiKeyStore } from '@brain/storage';
import { auditCli } from '../../cli-audit';
import { CliError, runCommand } from '../../cli-error';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine } from '../../output/print';
import { withStorageApp } from '../../with-storage-app';

@SubCommand({
  name: 'revoke',
  arguments: '<id_or_name>',
  argsDescription: { id_or_name: 'the key’s id, or the name of one active key' },
  description: 'Revoke an API key: it stops working at once',
})
export class ApiKeysRevokeCommand extends OutputCommand {
  async run([idOrName]: string[], options: OutputOptions = {}): Promise<void> {
    await runCommand(() =>
      withStorageApp(async (app) => {
        const store = app.get(ApiKeyStore);
        let key = await store.get(idOrName);
        if (!key) {
          const named = (await store.list()).filter((k) => k.name === idOrName && !k.revoked_at);
          if (named.length > 1)
            throw new CliError(
              `${named.length} active keys are named "${idOrName}": give the id (brain apikeys list)`,
              2,
            );
          key = named[0];
        }
        if (!key) throw new CliError(`no active API key with id or name "${idOrName}"`, 1);
        if (!(await store.revoke(key.id)))
          throw new CliError(`API key "${key.name}" (${key.id}) is already revoked`, 1);
        await auditCli(app, 'api_key.revoke', { target: key.id });
        const revoked = (await store.get(key.id))!;
        if (options.json) return printJson(revoked);
        printLine(`revoked API key "${revoked.name}" (${revoked.id}, ${revoked.role})`);
      }),
    );
  }
}
