import OpenAPIResponseValidator from 'openapi-response-validator';

type ValidatorArgs = ConstructorParameters<typeof OpenAPIResponseValidator>[0];

export interface OpenApiResponse {
  description: string;
  content?: Record<string, { schema: object }>;
}

export interface OpenApiOperation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: NonNullable<ValidatorArgs['components']>;
}

/** An HTTP answer as supertest gives it. */
export interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
  text: string;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface DocumentedOperation {
  /** `METHOD /path/{param}`, as the document spells the path. */
  key: string;
  method: HttpMethod;
  path: string;
  operation: OpenApiOperation;
}

/** Every operation of the document. */
export function operationsOf(doc: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ key: `${method.toUpperCase()} ${path}`, method, path, operation }] : [];
    }),
  );
}

/** RFC 3339 date-time, as `format: date-time` means (ajv knows no formats by itself). */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Checks real answers against the served document with openapi-response-validator: the status
 * must be documented for the operation, the content type one it documents, the body valid
 * against the schema documented for that status.
 */
export class AnswerChecker {
  private readonly operations = new Map<string, DocumentedOperation>();
  private readonly validators = new Map<string, OpenAPIResponseValidator>();

  constructor(private readonly doc: OpenApiDocument) {
    for (const op of operationsOf(doc)) this.operations.set(op.key, op);
  }

  /** Where the answer to `key` (`GET /api/tasks/{task_id}`) disagrees with the document. */
  problems(key: string, answer: Answer): string[] {
    const op = this.operations.get(key);
    if (!op) return [`${key} is not in the document`];
    const documented = op.operation.responses[String(answer.status)];
    if (!documented) {
      const statuses = Object.keys(op.operation.responses).join(', ');
      return [`${key} answered ${answer.status}, not documented (only ${statuses})`];
    }
    const mediaTypes = Object.keys(documented.content ?? {});
    const contentType = answer.headers['content-type']?.split(';')[0].trim();
    if (mediaTypes.length === 0) {
      return answer.text ? [`${key} ${answer.status} has a body, documented as none`] : [];
    }
    if (!contentType || !mediaTypes.includes(contentType)) {
      return [`${key} ${answer.status} is ${contentType}, documented as ${mediaTypes.join(', ')}`];
    }
    const body = contentType === 'application/json' ? answer.body : answer.text;
    const invalid = this.validator(op).validateResponse(String(answer.status), body);
    return invalid
      ? (invalid.errors as Array<{ path?: string; message: string }>).map(
          (e) => `${key} ${answer.status} ${e.path ?? ''}: ${e.message}`,
        )
      : [];
  }

  private validator(op: DocumentedOperation): OpenAPIResponseValidator {
    let validator = this.validators.get(op.key);
    if (!validator) {
      validator = new OpenAPIResponseValidator({
        responses: op.operation.responses as unknown as ValidatorArgs['responses'],
        components: this.doc.components,
        customFormats: { 'date-time': (value: string) => DATE_TIME.test(value) },
        loggingKey: op.key,
      });
      this.validators.set(op.key, validator);
    }
    return validator;
  }
}
