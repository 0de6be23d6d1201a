import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TasksModule } from '../tasks.module';
import { TaskClient } from '../client/task-client.service';
import { UnknownTaskError } from '../errors/task-errors';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { TaskRegistry } from './task-registry';
import { Schedule, Task } from './task.decorator';

@Injectable()
class MathTasks {
  @Task({ name: 'backend.app.tasks.my_tasks.add', params: ['x', 'y'] })
  @Schedule({ id: 'add-hourly', cron: '0 * * * *', args: [1, 2] })
  add({ x, y }: { x: number; y: number }): number {
    return x + y;
  }
}

@Injectable()
class ClashingTasks {
  @Task({ name: 'backend.app.tasks.my_tasks.add' })
  add(): number {
    return 0;
  }
}

@Injectable()
class GuardedTasks {
  @Task({ name: 'backend.app.tasks.my_tasks.wipe', role: 'admin' })
  wipe(): number {
    return 0;
  }
}

@Injectable()
class MisspeltRoleTasks {
  @Task({ name: 'backend.app.tasks.my_tasks.wipe', role: 'admn' })
  wipe(): number {
    return 0;
  }
}

const ROLES = ['viewer', 'operator', 'admin'];

async function boot(...providers: Array<new (...args: never[]) => unknown>) {
  return bootWith({}, ...providers);
}

async function bootWith(
  options: { roles?: readonly string[] },
  ...providers: Array<new (...args: never[]) => unknown>
) {
  @Module({ providers })
  class DomainModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      TasksModule.forRoot({
        redisUrl: testRedisUrl(),
        prefix: uniquePrefix('registry'),
        ...options,
      }),
      DomainModule,
    ],
  }).compile();
  try {
    return await moduleRef.init();
  } catch (err) {
    await moduleRef.close();
    throw err;
  }
}

describe('TaskRegistry', () => {
  it('discovers declared tasks with their routed queue and schedules', async () => {
    const app = await boot(MathTasks);
    const registry = app.get(TaskRegistry);
    expect(registry.names()).toEqual(['backend.app.tasks.my_tasks.add']);
    expect(registry.get('backend.app.tasks.my_tasks.add')).toMatchObject({
      queue: 'default',
      schedules: [{ id: 'add-hourly', cron: '0 * * * *' }],
    });
    expect(() => registry.get('nope')).toThrow(UnknownTaskError);
    // Called in-process like a plain function, with positional args bound to params.
    expect(await app.get(TaskClient).call('backend.app.tasks.my_tasks.add', {}, [2, 3])).toBe(5);
    await app.close();
  });

  it('fails the boot when two methods declare one name', async () => {
    await expect(boot(MathTasks, ClashingTasks)).rejects.toThrow(/declared twice/);
  });

  it('keeps a declared role as declared, one of the roles the app gives', async () => {
    const app = await bootWith({ roles: ROLES }, GuardedTasks);
    expect(app.get(TaskRegistry).get('backend.app.tasks.my_tasks.wipe').options.role).toBe('admin');
    await app.close();
  });

  it('fails the boot on a role the app does not know, naming the known ones', async () => {
    await expect(bootWith({ roles: ROLES }, MisspeltRoleTasks)).rejects.toThrow(
      /unknown role "admn" \(one of viewer, operator, admin\)/,
    );
  });
});
