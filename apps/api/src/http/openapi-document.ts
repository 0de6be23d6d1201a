import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SCHEME, OPTIONAL_KEY_EXTENSION } from '../auth/api-access.decorator';

/** An operation of the document (the type is not exported by @nestjs/swagger itself). */
type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

/** Every tag the operations use, in the order Swagger UI shows them. */
const TAGS: Array<[name: string, description: string]> = [
  ['tasks', 'Send tasks and follow them: status, result, timeline; revoke, retry, purge.'],
  ['missions', 'Missions: created here, processed step by step by a worker task.'],
  [
    'notifications',
    'The secret mission webhooks are signed with, for receivers to verify them (admin only).',
  ],
  ['agents', 'Agents the agent tasks act on: registration, heartbeats, recent executions.'],
  ['api-keys', 'API keys and their roles (admin only).'],
  ['audit', 'Who called what, allowed or refused, and its outcome (admin only).'],
  ['health', 'Liveness of the API and what it depends on (no key needed).'],
  ['metrics', 'Prometheus metrics of the API and every worker.'],
];

/**
 * The OpenAPI 3.1 document of the API, served at /api/docs (Swagger UI) and /api/docs-json.
 * 3.1 so that nullable fields are plain JSON Schema (`type: [T, "null"]`, `anyOf` with
 * `{type: "null"}` for a nullable object), which validators and generators read one way only.
 */
export function setupOpenApi(app: INestApplication): void {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('BRAiN Tasks API')
    .setDescription(
      'Background tasks of the BRAiN backend: send, inspect, cancel and retry tasks; workers, ' +
        'queues, missions, agents and API keys. Every call but /health needs ' +
        '`Authorization: Bearer <API key>`; a key is a viewer, an operator or an admin.',
    )
    .setVersion('1.0')
    // Self-hosted: the document is served by the API it describes, so its own origin.
    .addServer('/', 'This API (the host serving this document)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' }, API_KEY_SCHEME);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  markPublicOperations(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/**
 * Operations that declare no security are the public ones (@Public: no ApiAccess, so no bearer
 * requirement): say so with `security: []`; those that take a key but need none (ApiOptionalKey)
 * with `security: [{}, {api-key: []}]`. Nest cannot emit either from a decorator.
 */
function markPublicOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      if (operation[OPTIONAL_KEY_EXTENSION]) {
        delete operation[OPTIONAL_KEY_EXTENSION];
        operation.security = [{}, { [API_KEY_SCHEME]: [] }];
      } else if (!operation.security) {
        operation.security = [];
      }
    }
  }
}
