import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authorizeCall, isPublicCall } from '@brain/auth';
import { csrfFailure } from './csrf';
import type { DashboardRequest } from './dashboard-request';
import { sessionIdOf } from './session-cookie';
import { SessionService } from './session.service';

/**
 * Every dashboard call but the login needs a live session (401 without one), state-changing ones
 * also its CSRF token from this very origin (403), and the role the call asks for with
 * `@RequireRole` (403; admin when it says nothing), decided as the API decides for its keys.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<DashboardRequest>();
    if (isPublicCall(this.reflector, ctx)) {
      const refused = csrfFailure(req);
      if (refused) throw new ForbiddenException(refused);
      return true;
    }
    const found = await this.sessions.resolve(sessionIdOf(req));
    if (!found) throw new UnauthorizedException('Not logged in, or the session has ended');
    const { key } = found;
    // Known before the CSRF check: a forged call is audited under the session it rode on.
    req.principal = { keyId: key.id, name: key.name, role: key.role };
    const refused = csrfFailure(req, found.session.csrfToken);
    if (refused) throw new ForbiddenException(refused);
    req.dashboardSession = { ...found.session, id: found.id };
    // The API's decision itself: one key, one answer in both apps.
    authorizeCall(this.reflector, ctx, key);
    return true;
  }
}
