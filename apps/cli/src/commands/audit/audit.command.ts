import { Command } from 'nest-commander';
import { GroupCommand } from '../group-command';
import { AuditListCommand } from './audit-list.command';

export const AUDIT_SUBCOMMANDS = [AuditListCommand];

@Command({
  name: 'audit',
  description: 'The audit log: who changed what, allowed or refused (needs only the database)',
  subCommands: AUDIT_SUBCOMMANDS,
})
export class AuditCommand extends GroupCommand {}
