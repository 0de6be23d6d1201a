import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Response } from 'express';
import { Audited } from '@brain/http';
import { allowedActions, AuthFailureLimit, Public, RequireRole } from '@brain/auth';
import type { DashboardRequest } from './dashboard-request';
import { LoginDto, type NoSession, type SessionView } from './dto/login.dto';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from './session-cookie';
import { type ResolvedSession, SessionService } from './session.service';

/**
 * Logging in with an API key. EventSource cannot send an Authorization header, so the key is
 * exchanged once for a server-side session whose opaque id travels in an HttpOnly cookie.
 */
@Controller('api/session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly limit: AuthFailureLimit,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @Audited('dashboard.login')
  async login(
    @Body() dto: LoginDto,
    @Req() req: DashboardRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    // Counted with the API's failed keys: one guess budget per address, whichever door.
    await this.limit.refuseIfLimited(req);
    const created = await this.sessions.login(dto.api_key);
    if (!created) {
      await this.limit.failedRequest(req);
      throw new UnauthorizedException('Unknown, expired or revoked API key');
    }
    const { key } = created;
    req.principal = { keyId: key.id, name: key.name, role: key.role };
    setSessionCookie(req, res, created);
    return sessionView(created);
  }

  /**
   * The page asks this on every load, logged in or not: "not logged in" is an answer (200), not a
   * 401, which the browser would report as a failed load in its console. Every other call still
   * answers 401 without a session.
   */
  @Get()
  @Public()
  async current(@Req() req: DashboardRequest): Promise<SessionView | NoSession> {
    const found = await this.sessions.resolve(sessionIdOf(req));
    return found ? sessionView(found) : { authenticated: false };
  }

  @Delete()
  @RequireRole('viewer')
  @HttpCode(204)
  @Audited('dashboard.logout')
  async logout(
    @Req() req: DashboardRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.logout(sessionIdOf(req));
    clearSessionCookie(req, res);
  }
}

function sessionView({ key, session }: Omit<ResolvedSession, 'id'>): SessionView {
  return {
    authenticated: true,
    name: key.name,
    role: key.role,
    may: allowedActions(key.role),
    csrf_token: session.csrfToken,
    expires_at: session.expiresAt,
  };
}
