import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { KeyringError } from '@brain/storage';
import {
  ReplicaAckError,
  TaskInputError,
  TaskNotFoundError,
  TaskStateConflictError,
} from '@brain/tasks';
import { AuditTrail } from './audit/audit-trail';
import type { ErrorResponseDto } from './error-response.dto';
import { isRedisUnavailable } from './redis-failure';

/**
 * One error shape for every failure: {statusCode, error, message, field?}. Engine errors map to
 * the client's mistake (400, naming the field), a missing task (404) or a conflict (409); Redis
 * out of reach, and a keyring without its master key, to 503. Anything else is a 500 whose
 * details stay in the log. An audited call refused or failed (by a guard, a pipe or its handler)
 * is audited here, with the status and message answered, before the answer goes out.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  constructor(private readonly audit: AuditTrail) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      void this.audit.failed(req, res.statusCode, '');
      return;
    }
    // Terminus answers /health with its own report ({status, info, error, details}): keep it.
    const raw = err instanceof HttpException ? err.getResponse() : undefined;
    if (raw && typeof raw === 'object' && 'details' in raw) {
      res.status((err as HttpException).getStatus()).json(raw);
      return;
    }
    const body = this.toBody(err);
    // The audit never throws (a failed write is logged and counted): the answer always goes out.
    void this.audit
      .failed(req, body.statusCode, body.message)
      .then(() => res.status(body.statusCode).json(body));
  }

  private toBody(err: unknown): ErrorResponseDto {
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const raw = err.getResponse();
      const fromObject = typeof raw === 'object' ? (raw as Partial<ErrorResponseDto>) : {};
      const message = Array.isArray(fromObject.message)
        ? (fromObject.message as string[]).join('; ')
        : (fromObject.message ?? (typeof raw === 'string' ? raw : err.message));
      return {
        statusCode: status,
        error: fromObject.error ?? reason(status),
        message,
        ...(fromObject.field && { field: fromObject.field }),
      };
    }
    if (err instanceof TaskInputError)
      return { statusCode: 400, error: 'Bad Request', message: err.message, field: err.field };
    if (err instanceof TaskNotFoundError)
      return { statusCode: 404, error: 'Not Found', message: err.message };
    if (err instanceof TaskStateConflictError)
      return { statusCode: 409, error: 'Conflict', message: err.message };
    // Durable sending: the replicas did not confirm the task in time, so it was not sent.
    if (err instanceof ReplicaAckError)
      return { statusCode: 503, error: 'Service Unavailable', message: err.message };
    // No or a wrong BRAIN_MASTER_KEY: the deployment's to fix; the message names no secret.
    if (err instanceof KeyringError)
      return { statusCode: 503, error: 'Service Unavailable', message: err.message };
    if (isRedisUnavailable(err)) {
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'Redis is unavailable: try again shortly',
      };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    this.logger.error(`unexpected ${e.name}: ${e.message}`, e.stack);
    return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
  }
}

function reason(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ')
    : 'Error';
}
