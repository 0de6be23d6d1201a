import { type Role, roleAllows } from './roles';

/**
 * The least role of each state-changing action, named as in the audit log. Both apps (API and
 * UI) take a shared action's role from here, so that one key gets one answer in either.
 */
export const ACTION_ROLES = {
  'task.execute': 'operator',
  'task.retry': 'operator',
  'task.revoke': 'operator',
  'task.cancel_all': 'admin',
  'queue.purge': 'admin',
  'results.purge': 'admin',
  'api_key.manage': 'admin',
  // Reading it lets one forge webhooks the receivers trust.
  'webhook_secret.manage': 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTION_ROLES;

export function roleOf(action: Action): Role {
  return ACTION_ROLES[action];
}

/** Each action and whether `role` may do it (what a UI shows or hides). */
export function allowedActions(role: Role): Record<Action, boolean> {
  return Object.fromEntries(
    Object.entries(ACTION_ROLES).map(([action, needed]) => [action, roleAllows(role, needed)]),
  ) as Record<Action, boolean>;
}
