import type { QueueName } from '../queues/queue-names';

/** The spec's task_routes: one pattern per task module; anything else goes to `default`. */
export const DEFAULT_ROUTES: Readonly<Record<string, QueueName>> = {
  'backend.app.tasks.system_tasks.*': 'system',
  'backend.app.tasks.mission_tasks.*': 'missions',
  'backend.app.tasks.agent_tasks.*': 'agents',
  'backend.app.tasks.maintenance_tasks.*': 'maintenance',
};
