import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header a page sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfRequest {
  method: string;
  headers: IncomingHttpHeaders;
}

/**
 * Why a request must be refused as a possible cross-site request forgery, or undefined when it
 * may go on. The session cookie is SameSite=Strict already; on top of that every state-changing
 * request must come from a page of this very host (Origin, or Referer when a browser omits it)
 * and, once logged in, carry the session's token (which a page of another site cannot read).
 */
export function csrfFailure(req: CsrfRequest, expectedToken?: string): string | undefined {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return undefined;
  const host = req.headers.host;
  const source = sourceHost(req.headers);
  if (!host || !source) return 'Cross-site request refused: no Origin header';
  if (source !== host.toLowerCase()) return 'Cross-site request refused: foreign Origin';
  if (expectedToken === undefined) return undefined;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, expectedToken))
    return 'Cross-site request refused: missing or wrong CSRF token';
  return undefined;
}

/** host[:port] of the page that sent the request, from Origin, else Referer. */
function sourceHost(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers.origin ?? headers.referer;
  if (!raw || raw === 'null') return undefined;
  try {
    return new URL(raw).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
