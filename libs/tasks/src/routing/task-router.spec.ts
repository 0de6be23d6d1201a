import { TaskRouter } from './task-router';

describe('TaskRouter', () => {
  const router = new TaskRouter({
    routes: { 'reports.*': 'maintenance', 'backend.app.tasks.system_tasks.test_*': 'default' },
  });

  it.each([
    ['backend.app.tasks.system_tasks.health_check', 'system'],
    ['backend.app.tasks.mission_tasks.process_mission_async', 'missions'],
    ['backend.app.tasks.agent_tasks.check_agent_heartbeats', 'agents'],
    ['backend.app.tasks.maintenance_tasks.vacuum_database', 'maintenance'],
    ['backend.app.tasks.my_tasks.my_custom_task', 'default'],
    ['reports.weekly.render', 'maintenance'],
  ])('routes %s to %s', (name, queue) => {
    expect(router.route(name)).toBe(queue);
  });

  it('lets app routes win over the built-in module routes', () => {
    expect(router.route('backend.app.tasks.system_tasks.test_task')).toBe('default');
  });

  it('does not treat dots as wildcards', () => {
    expect(router.route('backendXapp.tasks.system_tasks.health_check')).toBe('default');
  });
});
