import { Command } from 'nest-commander';
import { GroupCommand } from '../group-command';
import { KeysRewrapCommand } from './keys-rewrap.command';
import { KeysWebhookSecretCommand } from './keys-webhook-secret.command';

export const KEYS_SUBCOMMANDS = [KeysWebhookSecretCommand, KeysRewrapCommand];

@Command({
  name: 'keys',
  description: 'The keyring: the webhook signing secret, re-wrapping for a new master key',
  subCommands: KEYS_SUBCOMMANDS,
})
export class KeysCommand extends GroupCommand {}
