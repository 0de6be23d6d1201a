import type { QueueName } from '../queues/queue-names';
import type { TaskContext } from '../execution/task-context';
import type { ScheduleOptions, TaskOptions } from './task-options';

export type TaskKwargs = Record<string, unknown>;

export type TaskHandler = (kwargs: TaskKwargs, ctx: TaskContext) => unknown;

/** A task as the registry knows it: its declaration, bound handler and resolved queue. */
export interface TaskDefinition {
  readonly name: string;
  readonly options: TaskOptions;
  readonly queue: QueueName;
  readonly handler: TaskHandler;
  readonly schedules: readonly ScheduleOptions[];
}
