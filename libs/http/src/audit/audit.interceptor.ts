import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import type { ApiRequest } from '../principal';
import { AuditTrail } from './audit-trail';

/**
 * Writes the audit entry of a call that succeeded, with what it answered, before the answer goes
 * out. Refusals and failures are written by the exception filter, which knows their status.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly trail: AuditTrail) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<ApiRequest>();
    return next
      .handle()
      .pipe(
        mergeMap((response: unknown) =>
          from(this.trail.succeeded(req, response).then(() => response)),
        ),
      );
  }
}
