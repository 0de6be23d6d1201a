import { Inject, Injectable } from '@nestjs/common';
import picomatch from 'picomatch';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import type { QueueName } from '../queues/queue-names';
import { DEFAULT_ROUTES } from './default-routes';

interface Route {
  readonly pattern: string;
  readonly matches: (name: string) => boolean;
  readonly queue: QueueName;
}

/**
 * Celery's task_routes: glob patterns on the task name, first match wins. Dots are literal and `*`
 * spans dots (fnmatch), so `backend.app.tasks.system_tasks.*` covers every task of that module.
 */
@Injectable()
export class TaskRouter {
  private readonly routes: Route[];

  constructor(@Inject(TASKS_OPTIONS) options: Pick<ResolvedTasksOptions, 'routes'>) {
    this.routes = Object.entries({ ...options.routes, ...DEFAULT_ROUTES }).map(
      ([pattern, queue]) => ({
        pattern,
        queue,
        // Task names hold no '/', so '*' spans dots as in Celery's fnmatch-based routes.
        matches: picomatch(pattern, { dot: true }),
      }),
    );
    // Routes given by the app take precedence over the built-in ones.
    const custom = new Set(Object.keys(options.routes));
    this.routes.sort((a, b) => Number(custom.has(b.pattern)) - Number(custom.has(a.pattern)));
  }

  route(taskName: string): QueueName {
    return this.routes.find((r) => r.matches(taskName))?.queue ?? 'default';
  }
}
