import { taskNameOf } from './task-name-of';
import { Task } from './task.decorator';

class ReportTasks {
  @Task({ name: 'reports.weekly.render' })
  render(): void {}

  plain(): void {}
}

describe('taskNameOf', () => {
  it('reads the name from the @Task declaration', () => {
    expect(taskNameOf(ReportTasks, 'render')).toBe('reports.weekly.render');
  });

  it('refuses a method that is no task', () => {
    expect(() => taskNameOf(ReportTasks, 'plain')).toThrow(
      'ReportTasks.plain is not declared with @Task',
    );
  });
});
