import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import type { QueueName } from '../queues/queue-names';

/** task_routes: glob on the task name -> queue. */
export type TaskRouteTable = Readonly<Record<string, QueueName>>;

const TASK_ROUTES_METADATA = 'brain:task-routes';

/**
 * Routes contributed by the module that declares the tasks, so that the engine needs no table
 * of anyone's task names: `@TaskRoutes({ 'backend.app.tasks.system_tasks.*': 'system' })` on the
 * module class. Routes the app gives (`TasksModule.forRoot({ routes })`) take precedence.
 */
export function TaskRoutes(routes: TaskRouteTable): ClassDecorator {
  return (target) => Reflect.defineMetadata(TASK_ROUTES_METADATA, routes, target);
}

/**
 * The routes of every module of the application, in module order. A pattern sent to two
 * different queues by two modules fails the boot: which one wins would depend on import order.
 */
export function contributedRoutes(modules: Iterable<{ metatype: Type }>): Map<string, QueueName> {
  const routes = new Map<string, { queue: QueueName; by: string }>();
  for (const { metatype } of modules) {
    const table = Reflect.getMetadata(TASK_ROUTES_METADATA, metatype) as TaskRouteTable | undefined;
    for (const [pattern, queue] of Object.entries(table ?? {})) {
      const seen = routes.get(pattern);
      if (seen && seen.queue !== queue)
        throw new Error(
          `Task route "${pattern}" goes to queue "${seen.queue}" in ${seen.by} and to "${queue}" in ${metatype.name}`,
        );
      routes.set(pattern, { queue, by: metatype.name });
    }
  }
  return new Map([...routes].map(([pattern, { queue }]) => [pattern, queue]));
}
