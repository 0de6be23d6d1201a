import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditLog } from '@brain/storage';
import type { ApiRequest } from '../auth/principal';
import { AUDIT_KEY } from './audited.decorator';

/**
 * Writes the audit entry of every @Audited call once it has an outcome: who (the key's name),
 * what, which task, when, from where, and the status. Bodies are not recorded: they may hold
 * secrets (task kwargs, a new key).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLog,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string | undefined>(AUDIT_KEY, ctx.getHandler());
    if (!action) return next.handle();
    const req = ctx.switchToHttp().getRequest<ApiRequest>();
    const success =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    const write = (status: number, response?: unknown) =>
      this.write(action, req, status, response).catch((err: Error) =>
        this.logger.error(`audit entry for ${action} not written: ${err.message}`),
      );
    return next.handle().pipe(
      mergeMap((response: unknown) => from(write(success, response).then(() => response))),
      catchError((err: unknown) => {
        const status = err instanceof HttpException ? err.getStatus() : 500;
        return from(write(status)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }

  private async write(action: string, req: ApiRequest, status: number, response: unknown) {
    const answered = (response ?? {}) as { task_id?: unknown; id?: unknown };
    const params = req.params as Record<string, string | undefined>;
    const query = req.query as Record<string, unknown>;
    await this.audit.record({
      principal: req.principal?.name ?? 'anonymous',
      action,
      taskId: params.task_id ?? (typeof answered.task_id === 'string' ? answered.task_id : null),
      target:
        params.id ??
        (typeof query.queue_name === 'string' ? query.queue_name : null) ??
        (typeof answered.id === 'string' ? answered.id : null),
      ip: req.ip ?? null,
      detail: { status, method: req.method, path: req.path, query },
    });
  }
}
