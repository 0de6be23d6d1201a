import { Controller, Get, Req } from '@nestjs/common';
import {
  Inspector,
  QUEUE_NAMES,
  type QueueName,
  ResultStore,
  TASK_STATES,
  TaskRegistry,
  type TaskState,
} from '@brain/tasks';
import { RequireRole, taskSendRefusal } from '@brain/auth';
import type { DashboardRequest } from '../session/dashboard-request';

/** What the page's filters offer, what the caller may send, and how long records are kept. */
export interface DashboardMeta {
  queues: readonly QueueName[];
  states: readonly TaskState[];
  task_names: string[];
  /** The tasks this session's key may send (and so retry): the server's decision, per task. */
  sendable_tasks: string[];
  result_expires_seconds: number;
}

@Controller('api/meta')
@RequireRole('viewer')
export class MetaController {
  constructor(
    private readonly inspector: Inspector,
    private readonly results: ResultStore,
    private readonly registry: TaskRegistry,
  ) {}

  @Get()
  meta(@Req() req: DashboardRequest): DashboardMeta {
    const caller = req.principal;
    return {
      queues: QUEUE_NAMES,
      states: TASK_STATES,
      task_names: this.inspector.registered(),
      sendable_tasks: this.registry
        .all()
        .filter((task) => caller !== undefined && !taskSendRefusal(caller, task))
        .map((task) => task.name),
      result_expires_seconds: this.results.expiresSeconds,
    };
  }
}
