import { parse } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';
import type { NewSession } from './session.store';

export const SESSION_COOKIE = 'brain_dashboard_session';

/** The session id the browser sent, if any. */
export function sessionIdOf(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[SESSION_COOKIE] : undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure when
 * served over HTTPS, and expiring with the session.
 */
function cookieOptions(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' };
}

export function setSessionCookie(req: Request, res: Response, created: NewSession): void {
  const maxAge = Date.parse(created.session.expiresAt) - Date.now();
  res.cookie(SESSION_COOKIE, created.id, { ...cookieOptions(req), maxAge });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}
