import { Controller, HttpCode, Post, Query, UseInterceptors } from '@nestjs/common';
import { Inspector, type QueueName } from '@brain/tasks';
import { Audited, RedisGate } from '@brain/http';
import { RequireRole, roleOf } from '@brain/auth';
import { PurgeQueueQuery } from '@brain/contracts';

/** Queue actions from the dashboard, through the engine's inspector, audited; roles as the API's. */
@Controller('api/queues')
@UseInterceptors(RedisGate)
export class DashboardQueuesController {
  constructor(private readonly inspector: Inspector) {}

  /** Removes every task waiting in the queue (periodic schedules stay). */
  @Post('purge')
  @HttpCode(200)
  @RequireRole(roleOf('queue.purge'))
  @Audited('queue.purge')
  async purge(@Query() q: PurgeQueueQuery): Promise<{ queue: QueueName; purged: number }> {
    return { queue: q.queue_name, purged: await this.inspector.purgeQueue(q.queue_name) };
  }
}
