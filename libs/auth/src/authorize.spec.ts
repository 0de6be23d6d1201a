import { ForbiddenException } from '@nestjs/common';
import { allowedActions, roleOf } from './actions';
import {
  authorize,
  authorizeTaskSend,
  roleRefusal,
  taskRole,
  taskSendRefusal,
  type SendableTask,
} from './authorize';
import { registeredTasks } from './registered-tasks';
import type { TaskDefinition } from '@brain/tasks';

const operator = { name: 'ops', role: 'operator' } as const;
const admin = { name: 'root', role: 'admin' } as const;
const viewer = { name: 'eyes', role: 'viewer' } as const;

const task = (name: string, role?: string): SendableTask => ({ name, options: { role } });
const wipe = task('maintenance.cleanup_audit_logs', 'admin');
const plain = task('system.health_check');

describe('the authorization decision (shared by the API, the UI and the CLI)', () => {
  it('refuses a role below the one needed, naming both roles and the key', () => {
    expect(roleRefusal(operator, 'admin')).toBe(
      'This call needs the admin role; key "ops" has the operator role',
    );
    expect(roleRefusal(admin, 'admin')).toBeUndefined();
    expect(roleRefusal(operator, 'viewer')).toBeUndefined();
    expect(() => authorize(viewer, 'operator')).toThrow(ForbiddenException);
    expect(() => authorize(operator, 'operator')).not.toThrow();
  });

  it('takes a task’s declared role, operator when it declares none, admin for an unknown one', () => {
    expect(taskRole(wipe)).toBe('admin');
    expect(taskRole(plain)).toBe('operator');
    expect(taskRole(task('x', 'viewer'))).toBe('viewer');
    // The engine refuses undeclared names at boot; should one slip through, it fails closed.
    expect(taskRole(task('x', 'root'))).toBe('admin');
  });

  it('lets a key send a task only if its role reaches the task’s', () => {
    expect(taskSendRefusal(operator, wipe)).toBe(
      'Sending maintenance.cleanup_audit_logs needs the admin role; key "ops" has the operator role',
    );
    expect(taskSendRefusal(admin, wipe)).toBeUndefined();
    expect(taskSendRefusal(operator, plain)).toBeUndefined();
    expect(taskSendRefusal(viewer, task('x', 'viewer'))).toBeUndefined();
    const refused = (() => {
      try {
        authorizeTaskSend(operator, wipe);
      } catch (err) {
        return err as ForbiddenException;
      }
    })();
    expect(refused?.getStatus()).toBe(403);
  });

  it('gives each shared action one role: purging a queue is an admin’s, in every app', () => {
    expect(roleOf('queue.purge')).toBe('admin');
    expect(roleOf('task.retry')).toBe('operator');
    expect(allowedActions('operator')).toMatchObject({
      'task.execute': true,
      'task.retry': true,
      'task.revoke': true,
      'queue.purge': false,
      'results.purge': false,
      'task.cancel_all': false,
    });
    expect(Object.values(allowedActions('admin')).every(Boolean)).toBe(true);
    expect(Object.values(allowedActions('viewer')).some(Boolean)).toBe(false);
  });

  it('lists registered tasks with their queue and role, sorted, keeping the spec’s fields', () => {
    const defs = [
      { name: 'b.task', queue: 'default', options: { name: 'b.task' } },
      { name: 'a.task', queue: 'maintenance', options: { name: 'a.task', role: 'admin' } },
    ] as unknown as TaskDefinition[];
    expect(registeredTasks(defs)).toEqual({
      tasks: ['a.task', 'b.task'],
      total: 2,
      details: [
        { name: 'a.task', queue: 'maintenance', role: 'admin' },
        { name: 'b.task', queue: 'default', role: 'operator' },
      ],
    });
  });
});
