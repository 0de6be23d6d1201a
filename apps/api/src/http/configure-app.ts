import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttp } from '@brain/http';
import { setupOpenApi } from './openapi-document';

/** The shared request handling (see configureHttp), and the OpenAPI document at /api/docs(-json). */
export function configureApp(app: NestExpressApplication): void {
  configureHttp(app);
  app.enableShutdownHooks();
  setupOpenApi(app);
}
