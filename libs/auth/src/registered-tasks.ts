import type { QueueName, TaskDefinition } from '@brain/tasks';
import { taskRole } from './authorize';
import type { Role } from './roles';

/** A registered task as the API and the CLI list it: where it runs and who may send it. */
export interface RegisteredTask {
  name: string;
  queue: QueueName;
  role: Role;
}

/**
 * The registered list (Celery inspect registered): the spec's `tasks` (names) and `total`, and
 * beside them `details`, each task's queue and the least role that may send it; sorted by name
 * (code unit order, as the spec's list always was).
 */
export function registeredTasks(all: readonly TaskDefinition[]): {
  tasks: string[];
  total: number;
  details: RegisteredTask[];
} {
  const details = [...all]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => ({ name: t.name, queue: t.queue, role: taskRole(t) }));
  return { tasks: details.map((t) => t.name), total: details.length, details };
}
