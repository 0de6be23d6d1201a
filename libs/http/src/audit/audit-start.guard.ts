import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUDIT_KEY } from './audited.decorator';
import { AuditTrail } from './audit-trail';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Not a gate: it never refuses. Registered as the first global guard, it opens the audit entry
 * of a call before any guard may refuse it, so that a refusal (401, 403, a CSRF check, a rate
 * limit, any guard added later) is audited like an outcome of the call's own. A state-changing
 * call that names no action is audited anyway, under its method and route.
 */
@Injectable()
export class AuditStartGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const declared = this.reflector.get<string | undefined>(AUDIT_KEY, ctx.getHandler());
    const mutating = !SAFE_METHODS.has(req.method.toUpperCase());
    if (!declared && !mutating) return true;
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    const success =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    this.trail.start(req, declared ?? `${req.method} ${route}`, success);
    return true;
  }
}
