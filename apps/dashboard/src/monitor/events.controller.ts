import { Controller, Get, type MessageEvent, Req, Sse } from '@nestjs/common';
import {
  catchError,
  exhaustMap,
  filter,
  from,
  interval,
  map,
  merge,
  type Observable,
  of,
  take,
  takeWhile,
} from 'rxjs';
import { RequireRole } from '@brain/auth';
import type { DashboardRequest } from '../session/dashboard-request';
import { SessionService } from '../session/session.service';
import type { DashboardSnapshot } from './snapshot';
import { SnapshotService } from './snapshot.service';
import { TaskFeed } from './task-feed.service';

/** How often an open stream checks that its session (and API key) still holds. */
const SESSION_CHECK_MS = 15_000;

/**
 * The page's live feed (server-sent events): `snapshot` (workers, queues, rates) every few
 * seconds, `tasks` (records that changed state) as they change, and `session` when the login
 * has ended (logout, expiry, key revoked), after which the stream closes.
 */
@Controller('api')
@RequireRole('viewer')
export class EventsController {
  constructor(
    private readonly snapshots: SnapshotService,
    private readonly feed: TaskFeed,
    private readonly sessions: SessionService,
  ) {}

  @Sse('events')
  events(@Req() req: DashboardRequest): Observable<MessageEvent> {
    const sessionId = req.dashboardSession!.id;
    const ended = interval(SESSION_CHECK_MS).pipe(
      // A Redis or database blip is not the end of a session.
      exhaustMap(() => from(this.sessions.resolve(sessionId)).pipe(catchError(() => of(true)))),
      filter((found) => !found),
      take(1),
      map((): MessageEvent => ({ type: 'session', data: { ended: true } })),
    );
    return merge(
      this.snapshots.snapshots$.pipe(map((data): MessageEvent => ({ type: 'snapshot', data }))),
      this.feed.updates$.pipe(map((data): MessageEvent => ({ type: 'tasks', data }))),
      ended,
    ).pipe(takeWhile((event) => event.type !== 'session', true));
  }

  /** The same snapshot, once (for scripts, and pages that cannot keep a stream open). */
  @Get('snapshot')
  snapshot(): Promise<DashboardSnapshot> {
    return this.snapshots.build();
  }
}
