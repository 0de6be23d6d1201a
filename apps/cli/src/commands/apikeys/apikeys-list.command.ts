import { SubCommand } from 'nest-commander';
import { ApiKeyStore, type ApiKeyView } from '@brain/storage';
import { runCommand } from '../../cli-error';
import { formatTime } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withStorageApp } from '../../with-storage-app';

function status(key: ApiKeyView, now: string): string {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && key.expires_at <= now) return 'expired';
  return 'active';
}

@SubCommand({
  name: 'list',
  description: 'Every API key, newest first (never the keys themselves)',
})
export class ApiKeysListCommand extends OutputCommand {
  async run(_params: string[], options: OutputOptions = {}): Promise<void> {
    await runCommand(() =>
      withStorageApp(async (app) => {
        const keys = await app.get(ApiKeyStore).list();
        if (options.json) return printJson(keys);
        const now = new Date().toISOString();
        printTable(keys, [
          { header: 'ID', value: (k) => k.id },
          { header: 'NAME', value: (k) => k.name },
          { header: 'ROLE', value: (k) => k.role },
          { header: 'PREFIX', value: (k) => k.prefix },
          { header: 'STATUS', value: (k) => status(k, now) },
          { header: 'CREATED', value: (k) => formatTime(k.created_at) },
          { header: 'EXPIRES', value: (k) => formatTime(k.expires_at) },
          { header: 'LAST USED', value: (k) => formatTime(k.last_used_at) },
        ]);
        printLine(`${keys.length} key(s)`);
      }),
    );
  }
}
