import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import {
  PartitionLayout,
  type PartitionQueues,
  QUEUE_NAMES,
  QueueRegistry,
  TaskRegistry,
} from '@brain/tasks';
import { roleRefusal } from '@brain/auth';
import { csrfFailure } from '../session/csrf';
import { sessionIdOf } from '../session/session-cookie';
import { SessionService } from '../session/session.service';
import { CONTENT_SECURITY_POLICY } from '../web/web-assets';
import { MaskedBullMQAdapter } from './masked-adapter';

export const RAW_JOB_VIEW_PATH = '/queues';

/** bull-board's page sets inline styles and a <base>: allowed here, and only here. */
const RAW_VIEW_POLICY = CONTENT_SECURITY_POLICY.replace(
  "style-src 'self'",
  "style-src 'self' 'unsafe-inline'",
).replace("base-uri 'none'", "base-uri 'self'");

/**
 * bull-board at /queues: BullMQ's jobs as they are in Redis, for admins who need to look under
 * the engine. Read-only: every action goes through the dashboard (engine semantics, audit log).
 * Secrets in them are masked as the engine's records mask them.
 */
export function mountRawJobView(app: NestExpressApplication): void {
  const server = new ExpressAdapter();
  server.setBasePath(RAW_JOB_VIEW_PATH);
  const queues = app.get(QueueRegistry);
  const registry = app.get(TaskRegistry);
  const adapters = (partitions: PartitionQueues[]) =>
    partitions.flatMap((partition, i) =>
      QUEUE_NAMES.map((name) => new MaskedBullMQAdapter(partition.get(name), registry, i)),
    );
  // Partition 0 at once (no Redis read at start-up); the others as the registry shows them.
  let shown = 1;
  const board = createBullBoard({
    queues: adapters([queues.in(app.get(PartitionLayout).base)]),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'BRAiN raw jobs' } },
  });
  const everyPartition: RequestHandler = (_req, _res, next) => {
    queues.everyPartition().then(
      (partitions) => {
        if (partitions.length !== shown) board.replaceQueues(adapters(partitions));
        shown = partitions.length;
        next();
      },
      // Redis away: the view shows what it knew (its own calls answer why).
      () => next(),
    );
  };
  const view = server.getRouter() as Express;
  view.disable('x-powered-by');
  app.use(RAW_JOB_VIEW_PATH, adminsOnly(app.get(SessionService)), everyPartition, view);
}

/** The dashboard's session, an admin's key, and (for anything but a read) this very origin. */
function adminsOnly(sessions: SessionService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const refuse = (statusCode: number, error: string, message: string) =>
      void res.status(statusCode).json({ statusCode, error, message });
    sessions.resolve(sessionIdOf(req)).then((found) => {
      if (!found) return refuse(401, 'Unauthorized', 'Log in to the dashboard first');
      const forbidden = roleRefusal(found.key, 'admin');
      if (forbidden) return refuse(403, 'Forbidden', forbidden);
      const refused = csrfFailure(req);
      if (refused) return refuse(403, 'Forbidden', refused);
      res.setHeader('Content-Security-Policy', RAW_VIEW_POLICY);
      next();
    }, next);
  };
}
