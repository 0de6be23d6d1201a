import { Inject, Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import picomatch from 'picomatch';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import type { QueueName } from '../queues/queue-names';
import { contributedRoutes } from './task-routes';

interface Route {
  readonly matches: (name: string) => boolean;
  readonly queue: QueueName;
}

/**
 * Celery's task_routes: glob patterns on the task name, first match wins. Dots are literal and `*`
 * spans dots (fnmatch), so `backend.app.tasks.system_tasks.*` covers every task of that module.
 * The app's routes come first, then those the modules contribute with `@TaskRoutes`.
 */
@Injectable()
export class TaskRouter {
  private readonly routes: Route[];

  constructor(
    @Inject(TASKS_OPTIONS) options: Pick<ResolvedTasksOptions, 'routes'>,
    // Every module is known before any provider is made: the contributed routes are complete.
    modules: ModulesContainer,
  ) {
    const contributed = contributedRoutes(modules.values());
    const custom = Object.entries(options.routes);
    for (const [pattern] of custom) contributed.delete(pattern);
    this.routes = [...custom, ...contributed].map(([pattern, queue]) => ({
      queue,
      // Task names hold no '/', so '*' spans dots as in Celery's fnmatch-based routes.
      matches: picomatch(pattern, { dot: true }),
    }));
  }

  route(taskName: string): QueueName {
    return this.routes.find((r) => r.matches(taskName))?.queue ?? 'default';
  }
}
