import { Option, SubCommand } from 'nest-commander';
import { WebhookSecrets, type WebhookSecretView } from '@brain/missions';
import { SecretStore } from '@brain/storage';
import { auditCli } from '../../cli-audit';
import { CliError, runCommand } from '../../cli-error';
import { usageFromTaskInput } from '../../options/validate-as-api';
import { formatTime } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printFields, printJson } from '../../output/print';
import { withStorageApp } from '../../with-storage-app';

interface WebhookSecretOptions extends OutputOptions {
  rotate?: boolean;
  grace?: string;
}

@SubCommand({
  name: 'webhook-secret',
  description:
    'Print the secret webhooks are signed with (X-Brain-Signature), or --rotate it; needs BRAIN_MASTER_KEY',
})
export class KeysWebhookSecretCommand extends OutputCommand<WebhookSecretOptions> {
  async run(_params: string[], options: WebhookSecretOptions = {}): Promise<void> {
    await runCommand(() =>
      withStorageApp(async (app) => {
        const secrets = new WebhookSecrets(app.get(SecretStore));
        let view: WebhookSecretView;
        if (options.rotate) {
          const grace = options.grace === undefined ? undefined : seconds(options.grace);
          try {
            view = await secrets.rotate(grace);
          } catch (err) {
            throw usageFromTaskInput(err, { grace_seconds: '--grace' });
          }
          await auditCli(app, 'webhook_secret.rotate', {
            detail: { previous_valid_until: view.previous_valid_until },
          });
        } else {
          if (options.grace !== undefined) throw new CliError('--grace goes with --rotate', 2);
          view = await secrets.read();
          // Whoever holds it can forge webhooks: reads are audited too.
          await auditCli(app, 'webhook_secret.read');
        }
        if (options.json) return printJson(view);
        printFields([
          ['secret', view.secret],
          ['previous', view.previous_secret ?? '-'],
          ['previous until', formatTime(view.previous_valid_until) ?? '-'],
        ]);
      }),
    );
  }

  @Option({ flags: '--rotate', description: 'replace it with a new random secret first' })
  parseRotate(): boolean {
    return true;
  }

  @Option({
    flags: '--grace <seconds>',
    description:
      'with --rotate: how long the old secret keeps signing X-Brain-Signature-Previous (default 86400, 0 for none)',
  })
  parseGrace(value: string): string {
    return value;
  }
}

function seconds(text: string): number {
  if (!/^\d+$/.test(text))
    throw new CliError(`--grace must be a whole number of seconds, got ${JSON.stringify(text)}`, 2);
  return Number(text);
}
