import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfigService } from '@brain/config';
import type { ValidationError } from 'class-validator';
import type { NextFunction, Request, Response } from 'express';
import { bodyDepthLimit } from './body-depth';
import { BODY_LIMIT } from './body-limit';

/**
 * What the API and the UI do alike to requests: the client's address as TRUST_PROXY says, body
 * parsing with its errors answered as JSON (malformed: 400, too large: 413, too deep: 400), and
 * validation that names the field and refuses unknown ones.
 */
export function configureHttp(app: NestExpressApplication): void {
  trustProxies(app);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.use(bodyErrors);
  app.use(bodyDepthLimit);
  app.useGlobalPipes(validationPipe());
}

/**
 * TRUST_PROXY as Express's `trust proxy`: which X-Forwarded-For/-Proto to believe, so that
 * `req.ip` (audit, rate limit) is the client's and `req.secure` (Secure cookies) what it used.
 */
function trustProxies(app: NestExpressApplication): void {
  app.set('trust proxy', app.get(AppConfigService).trustProxy);
}

/** Validation that names the failing field and refuses unknown fields (400). */
function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationError(errors),
  });
}

/** The first failing constraint, naming its field (nested fields as a.b). */
function validationError(errors: ValidationError[], parent = ''): BadRequestException {
  const first = errors[0];
  const field = parent ? `${parent}.${first.property}` : first.property;
  if (!first.constraints && first.children?.length) return validationError(first.children, field);
  const message = first.constraints ? Object.values(first.constraints)[0] : `${field} is invalid`;
  return new BadRequestException({ message, field, error: 'Bad Request' });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Body parser failures as the API's JSON errors: malformed (400), too large (413). */
function bodyErrors(err: BodyParserError, _req: Request, res: Response, next: NextFunction): void {
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Malformed JSON body',
      field: 'body',
    });
  } else if (err.type === 'entity.too.large') {
    res.status(413).json({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `Request body larger than ${BODY_LIMIT}`,
      field: 'body',
    });
  } else {
    next(err);
  }
}
