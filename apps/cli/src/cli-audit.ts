import { userInfo } from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import { AuditLog } from '@brain/storage';

/** Who acts from the CLI: the operating-system user (there is no API key). */
function principal(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
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
    await app.get(AuditLog).record({
      principal: principal(),
      action,
      taskId: entry.taskId ?? null,
      target: entry.target ?? null,
      detail: { via: 'cli', ...entry.detail },
    });
  } catch (err) {
    process.stderr.write(
      `brain: warning: audit entry for ${action} not written: ${(err as Error).message}\n`,
    );
  }
}
