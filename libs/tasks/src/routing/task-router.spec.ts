import { Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskRouter } from './task-router';
import { TaskRoutes, type TaskRouteTable } from './task-routes';

// Stand-ins for the domain modules: each contributes the route of its own task module.
@TaskRoutes({ 'backend.app.tasks.system_tasks.*': 'system' })
@Module({})
class SystemTasksModule {}

@TaskRoutes({ 'backend.app.tasks.mission_tasks.*': 'missions' })
@Module({})
class MissionTasksModule {}

@TaskRoutes({ 'backend.app.tasks.agent_tasks.*': 'agents' })
@Module({})
class AgentTasksModule {}

@TaskRoutes({ 'backend.app.tasks.maintenance_tasks.*': 'maintenance' })
@Module({})
class MaintenanceTasksModule {}

const DOMAINS = [SystemTasksModule, MissionTasksModule, AgentTasksModule, MaintenanceTasksModule];

async function routerOf(routes: TaskRouteTable, imports: Type[] = DOMAINS): Promise<TaskRouter> {
  const moduleRef = await Test.createTestingModule({
    imports,
    providers: [TaskRouter, { provide: TASKS_OPTIONS, useValue: { routes } }],
  }).compile();
  return moduleRef.get(TaskRouter);
}

describe('TaskRouter', () => {
  let router: TaskRouter;

  beforeAll(async () => {
    router = await routerOf({
      'reports.*': 'maintenance',
      'backend.app.tasks.system_tasks.test_*': 'default',
    });
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

  it('lets app routes win over the module routes', () => {
    expect(router.route('backend.app.tasks.system_tasks.test_task')).toBe('default');
  });

  it('lets an app route win over a module route of the same pattern', async () => {
    const own = await routerOf({ 'backend.app.tasks.system_tasks.*': 'default' });
    expect(own.route('backend.app.tasks.system_tasks.health_check')).toBe('default');
  });

  it('does not treat dots as wildcards', () => {
    expect(router.route('backendXapp.tasks.system_tasks.health_check')).toBe('default');
  });

  it('routes only what the imported modules contribute', async () => {
    const systemOnly = await routerOf({}, [SystemTasksModule]);
    expect(systemOnly.route('backend.app.tasks.system_tasks.health_check')).toBe('system');
    expect(systemOnly.route('backend.app.tasks.agent_tasks.check_agent_heartbeats')).toBe(
      'default',
    );
  });

  it('fails the boot when two modules send one pattern to different queues', async () => {
    @TaskRoutes({ 'backend.app.tasks.system_tasks.*': 'default' })
    @Module({})
    class OtherModule {}
    await expect(routerOf({}, [SystemTasksModule, OtherModule])).rejects.toThrow(
      'Task route "backend.app.tasks.system_tasks.*" goes to queue "system" in SystemTasksModule and to "default" in OtherModule',
    );
  });
});
