import { Controller, Get, Req } from '@nestjs/common';
import {
  Inspector,
  QUEUE_NAMES,
  type QueueName,
  RedisConnection,
  type RedisTopology,
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
  /** Where the engine's Redis is: the URL with its password masked, and the topology reached now. */
  redis: { url: string; topology?: RedisTopology };
}

@Controller('api/meta')
@RequireRole('viewer')
export class MetaController {
  constructor(
    private readonly inspector: Inspector,
    private readonly results: ResultStore,
    private readonly registry: TaskRegistry,
    private readonly redis: RedisConnection,
  ) {}

  @Get()
  async meta(@Req() req: DashboardRequest): Promise<DashboardMeta> {
    const caller = req.principal;
    // The filters must load even while Redis is away: the topology is then left out.
    const topology = await this.redis.topology().catch(() => undefined);
    return {
      queues: QUEUE_NAMES,
      states: TASK_STATES,
      task_names: this.inspector.registered(),
      sendable_tasks: this.registry
        .all()
        .filter((task) => caller !== undefined && !taskSendRefusal(caller, task))
        .map((task) => task.name),
      result_expires_seconds: this.results.expiresSeconds,
      redis: { url: this.redis.displayUrl, topology },
    };
  }
}
