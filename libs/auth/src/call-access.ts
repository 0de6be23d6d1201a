import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { authorize } from './authorize';
import type { Principal } from './principal';
import { PUBLIC_KEY, ROLE_KEY } from './role.decorators';
import type { Role } from './roles';

/** The handler, then its controller: a handler's marks override its controller's. */
function targetsOf(ctx: ExecutionContext) {
  return [ctx.getHandler(), ctx.getClass()];
}

/** Whether the call (its handler or its controller) is marked @Public. */
export function isPublicCall(reflector: Reflector, ctx: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targetsOf(ctx)) === true;
}

/**
 * The role decision of every app's guard, written once: the call needs the @RequireRole of its
 * handler or controller (admin when neither says), and a caller below it gets a 403 naming both.
 */
export function authorizeCall(
  reflector: Reflector,
  ctx: ExecutionContext,
  caller: Pick<Principal, 'name' | 'role'>,
): void {
  authorize(caller, reflector.getAllAndOverride<Role>(ROLE_KEY, targetsOf(ctx)) ?? 'admin');
}
