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
  Observable,
  race,
  throwError,
  timeout,
  TimeoutError,
} from 'rxjs';
import { RedisConnection } from '@brain/tasks';
import { requestAbort } from './request-signal';

/** Longest a request may wait on a connected Redis before the caller is told it is unavailable. */
const REDIS_DEADLINE_MS = 10_000;
/** How long a request waits for a connection being (re)established. */
const CONNECT_GRACE_MS = 1000;
/**
 * Longest a request may take, from its arrival, once its Redis connection was down at any moment
 * of it (a failover: reconnecting asks the sentinels, then the new master, each with its own
 * timeouts): the caller hears 503 then rather than waiting for the reconnection to settle.
 */
export const OUTAGE_DEADLINE_MS = 1500;

/**
 * Calls that need Redis answer 503 at once while it is unreachable, and never hang: the engine's
 * connections here fail fast, and two deadlines cover the rest (one for a slow Redis, a short one
 * once the connection has dropped). Nothing to restart when it is back.
 */
@Injectable()
export class RedisGate implements NestInterceptor {
  constructor(private readonly redis: RedisConnection) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const abort = requestAbort(ctx);
    const arrived = Date.now();
    const handled = from(this.redis.whenAvailable(CONNECT_GRACE_MS)).pipe(
      mergeMap((up) => {
        if (!up) throw unavailable('Redis is unavailable: try again shortly');
        return next.handle();
      }),
      timeout(REDIS_DEADLINE_MS),
      catchError((err: unknown) => {
        if (!(err instanceof TimeoutError)) return throwError(() => err);
        return throwError(() =>
          unavailable(`Redis did not answer within ${REDIS_DEADLINE_MS / 1000} s`),
        );
      }),
    );
    return race(handled, this.outage(arrived)).pipe(
      catchError((err: unknown) => {
        if (err instanceof ServiceUnavailableException) abort.abort(err);
        return throwError(() => err);
      }),
    );
  }

  /** Fails OUTAGE_DEADLINE_MS after `arrived` if the connection drops meanwhile; never emits. */
  private outage(arrived: number): Observable<never> {
    return new Observable<never>((subscriber) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = this.redis.onceDown(() => {
        timer = setTimeout(
          () => subscriber.error(unavailable('Redis is failing over: try again shortly')),
          Math.max(0, arrived + OUTAGE_DEADLINE_MS - Date.now()),
        );
      });
      return () => {
        stop();
        clearTimeout(timer);
      };
    });
  }
}

function unavailable(message: string): ServiceUnavailableException {
  return new ServiceUnavailableException(message);
}
