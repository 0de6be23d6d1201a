import { userInfo } from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import type { Role } from '@brain/auth';
import { AuditLog } from '@brain/storage';

/**
 * The CLI's role: admin. It has no API key; whoever runs it holds REDIS_URL and DATABASE_URL,
 * which reach all that an admin key guards (`brain apikeys create` makes admin keys). Its
 * commands still go through the apps' decisions with this role, and say so in the audit log.
 */
export const CLI_ROLE: Role = 'admin';

/** Who acts from the CLI: the operating-system user, with the CLI's role. */
export function cliPrincipal(): { name: string; role: Role } {
  let name = 'cli';
  try {
    name = `cli:${userInfo().username}`;
  } catch {
    // No user entry (a container's arbitrary uid): plain "cli".
  }
  return { name, role: CLI_ROLE };
}

/**
 * Leaves an audit entry for a change made from the CLI, as the API does for its calls (same action
 * names). The change is made already: a failed entry is a warning, not a failed command.
 */
export async function auditCli(
  app: INestApplicationContext,
  action: string,
  entry: { taskId?: string; target?: string; detail?: Record<string, unknown> } = {},
): Promise<void> {
  try {
    const who = cliPrincipal();
    await app.get(AuditLog).record({
      principal: who.name,
      action,
      taskId: entry.taskId ?? null,
      target: entry.target ?? null,
      detail: { via: 'cli', role: who.role, ...entry.detail },
    });
  } catch (err) {
    process.stderr.write(
      `brain: warning: audit entry for ${action} not written: ${(err as Error).message}\n`,
    );
  }
}
