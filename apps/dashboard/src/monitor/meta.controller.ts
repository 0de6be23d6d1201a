import { Controller, Get } from '@nestjs/common';
import {
  Inspector,
  QUEUE_NAMES,
  type QueueName,
  ResultStore,
  TASK_STATES,
  type TaskState,
} from '@brain/tasks';
import { RequireRole } from '../../../api/src/auth/roles';

/** What the page's filters offer, and how long records are kept. */
export interface DashboardMeta {
  queues: readonly QueueName[];
  states: readonly TaskState[];
  task_names: string[];
  result_expires_seconds: number;
}

@Controller('api/meta')
@RequireRole('viewer')
export class MetaController {
  constructor(
    private readonly inspector: Inspector,
    private readonly results: ResultStore,
  ) {}

  @Get()
  meta(): DashboardMeta {
    return {
      queues: QUEUE_NAMES,
      states: TASK_STATES,
      task_names: this.inspector.registered(),
      result_expires_seconds: this.results.expiresSeconds,
    };
  }
}
