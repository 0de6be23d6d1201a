import { ForbiddenException } from '@nestjs/common';
import type { Principal } from './principal';
import { isRole, type Role, roleAllows } from './roles';

type Caller = Pick<Principal, 'name' | 'role'>;

/** What the engine knows of a task: its name and the role it declares (any string). */
export interface SendableTask {
  readonly name: string;
  readonly options: { readonly role?: string };
}

/** The role a task needs when it declares none. */
export const DEFAULT_TASK_ROLE: Role = 'operator';

/**
 * The least role that may send (or re-send) a task: the one it declares, operator when it
 * declares none. The engine refuses undeclared role names at boot; should one get here anyway,
 * only an admin may send the task.
 */
export function taskRole(task: SendableTask): Role {
  const declared = task.options.role;
  if (declared === undefined) return DEFAULT_TASK_ROLE;
  return isRole(declared) ? declared : 'admin';
}

/** Why `caller` may not do what needs `needed` (one wording in every app), or undefined. */
export function roleRefusal(caller: Caller, needed: Role): string | undefined {
  if (roleAllows(caller.role, needed)) return undefined;
  return `This call needs the ${needed} role; key "${caller.name}" has the ${caller.role} role`;
}

/** Why `caller` may not send `task`, or undefined when it may. */
export function taskSendRefusal(caller: Caller, task: SendableTask): string | undefined {
  const needed = taskRole(task);
  if (roleAllows(caller.role, needed)) return undefined;
  return (
    `Sending ${task.name} needs the ${needed} role; ` +
    `key "${caller.name}" has the ${caller.role} role`
  );
}

/** The decision as an HTTP answer: a ForbiddenException (403) naming the role needed. */
export function authorize(caller: Caller, needed: Role): void {
  const refused = roleRefusal(caller, needed);
  if (refused) throw new ForbiddenException(refused);
}

export function authorizeTaskSend(caller: Caller, task: SendableTask): void {
  const refused = taskSendRefusal(caller, task);
  if (refused) throw new ForbiddenException(refused);
}
