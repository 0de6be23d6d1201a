import { Option, SubCommand } from 'nest-commander';
import { ApiKeyStore } from '@brain/storage';
import { CreateApiKeyDto, toCreateApiKey } from '@brain/contracts';
import { auditCli } from '../../cli-audit';
import { runCommand } from '../../cli-error';
import { validateAsApi } from '../../options/validate-as-api';
import { formatTime } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printFields, printJson, printLine } from '../../output/print';
import { withStorageApp } from '../../with-storage-app';

interface CreateOptions extends OutputOptions {
  name?: string;
  role?: string;
  expires?: string;
}

/** The option standing for each field of POST /api/keys. */
const FLAGS = { name: '--name', role: '--role', expires_at: '--expires' };

@SubCommand({
  name: 'create',
  description: 'Create an API key with a role; the key is printed this once',
})
export class ApiKeysCreateCommand extends OutputCommand<CreateOptions> {
  async run(_params: string[], options: CreateOptions = {}): Promise<void> {
    await runCommand(async () => {
      const dto = validateAsApi(
        CreateApiKeyDto,
        { name: options.name, role: options.role, expires_at: options.expires },
        FLAGS,
      );
      return withStorageApp(async (app) => {
        const { key, secret } = await app.get(ApiKeyStore).create(toCreateApiKey(dto));
        await auditCli(app, 'api_key.create', { target: key.id, detail: { role: key.role } });
        if (options.json) return printJson({ ...key, secret });
        printFields([
          ['id', key.id],
          ['name', key.name],
          ['role', key.role],
          ['expires', formatTime(key.expires_at) ?? 'never'],
          ['key', secret],
        ]);
        printLine();
        printLine('Keep the key now: it is stored hashed and cannot be shown again.');
      });
    });
  }

  @Option({ flags: '--name <name>', description: 'what the key is for', required: true })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--role <role>', description: 'viewer, operator or admin', required: true })
  parseRole(value: string): string {
    return value;
  }

  @Option({ flags: '--expires <iso>', description: 'when it stops working (default never)' })
  parseExpires(value: string): string {
    return value;
  }
}
