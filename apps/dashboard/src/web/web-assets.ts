import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The page, its scripts and its style sheet (copied beside the compiled code by the build). */
export const PUBLIC_DIR = join(__dirname, 'public');

/** Preact, its hooks and htm in one ES module, from node_modules: no build step, no CDN. */
export const PREACT_HTM_FILE = join(
  dirname(require.resolve('htm')),
  '..',
  'preact',
  'standalone.module.js',
);

/**
 * Only this origin's scripts, styles and connections; no inline script, no framing. Task
 * arguments, results and errors are user data: the page renders them as text, and this policy is
 * the second line should that ever slip.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
}

/** The page at /, its files beside it, and the vendored module at vendor/preact-htm.js. */
export function serveWebAssets(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
  app.use('/vendor/preact-htm.js', (_req: Request, res: Response) => {
    res.type('text/javascript').sendFile(PREACT_HTM_FILE);
  });
}
