import { Command } from 'nest-commander';
import { GroupCommand } from '../group-command';
import { ApiKeysCreateCommand } from './apikeys-create.command';
import { ApiKeysListCommand } from './apikeys-list.command';
import { ApiKeysRevokeCommand } from './apikeys-revoke.command';

export const APIKEYS_SUBCOMMANDS = [ApiKeysCreateCommand, ApiKeysListCommand, ApiKeysRevokeCommand];

@Command({
  name: 'apikeys',
  description: 'API keys of the REST API (and dashboard): create, list, revoke',
  subCommands: APIKEYS_SUBCOMMANDS,
})
export class ApiKeysCommand extends GroupCommand {}
