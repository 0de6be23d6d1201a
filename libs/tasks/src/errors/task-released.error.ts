/**
 * A reserved task the pool gives back before starting it (its child is busy with a long task):
 * the worker returns the job to the front of its queue, for any worker to take.
 */
export class TaskReleased extends Error {
  constructor() {
    super('Reserved task released before it started');
    this.name = 'TaskReleased';
  }
}
