import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  catchError,
  from,
  mergeMap,
  type Observable,
  throwError,
  timeout,
  TimeoutError,
} from 'rxjs';
import { RedisConnection } from '@brain/tasks';
import { requestAbort } from './request-signal';

/** Longest a request may wait on Redis before the caller is told it is unavailable. */
const REDIS_DEADLINE_MS = 10_000;
/** How long a request waits for a connection being (re)established. */
const CONNECT_GRACE_MS = 1000;

/**
 * Calls that need Redis answer 503 at once while it is unreachable, and never hang: the engine's
 * connections here fail fast, and a deadline covers the rest. Nothing to restart when it is back.
 */
@Injectable()
export class RedisGate implements NestInterceptor {
  constructor(private readonly redis: RedisConnection) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const abort = requestAbort(ctx);
    return from(this.redis.whenAvailable(CONNECT_GRACE_MS)).pipe(
      mergeMap((up) => {
        if (!up) throw new ServiceUnavailableException('Redis is unavailable: try again shortly');
        return next.handle();
      }),
      timeout(REDIS_DEADLINE_MS),
      catchError((err: unknown) => {
        if (!(err instanceof TimeoutError)) return throwError(() => err);
        const answer = new ServiceUnavailableException(
          `Redis did not answer within ${REDIS_DEADLINE_MS / 1000} s`,
        );
        abort.abort(answer);
        return throwError(() => answer);
      }),
    );
  }
}
