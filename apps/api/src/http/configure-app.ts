import { BadRequestException, type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import type { NextFunction, Request, Response } from 'express';

/** Bodies above this are refused (413): task arguments belong in storage, not in a request. */
export const BODY_LIMIT = '256kb';

/**
 * Body parsing with its errors answered as JSON (malformed: 400, too large: 413), validation that
 * names the field and refuses unknown ones, and the OpenAPI document at /api/docs(-json).
 */
export function configureApp(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.use(bodyErrors);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  setupSwagger(app);
}

/** Validation that names the failing field and refuses unknown fields (400). */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationError(errors),
  });
}

function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('BRAiN Tasks API')
    .setDescription(
      'Background tasks of the BRAiN backend: send, inspect, cancel and retry tasks; workers, ' +
        'queues and API keys. Every call but /health needs `Authorization: Bearer <API key>`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
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
export function bodyErrors(
  err: BodyParserError,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
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
