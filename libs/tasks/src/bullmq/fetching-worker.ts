import { Logger } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import type { QueueName } from '../queues/queue-names';
import type { RedisEndpoint } from '../redis/redis-endpoint';

/** BullMQ's worker, fetched from by hand, with the hook that turns a fetched job's raw data into a Job. */
export class FetchingWorker extends Worker<TaskMessage> {
  fromRaw(raw: unknown[], token: string): Promise<Job<TaskMessage> | undefined> {
    const [data, id] = raw as [Parameters<Worker['createJob']>[0] | undefined, string | undefined];
    return this.nextJobFromJobData(data, id, token);
  }
}

export interface QueueWorkerOptions {
  connection: RedisEndpoint;
  prefix: string;
  hostname: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Run BullMQ's stalled-job checks: once per worker host is enough. */
  stalledChecks: boolean;
}

const logger = new Logger('Dispatcher');

/**
 * A BullMQ worker on one queue that never runs its own fetch loop: the dispatcher fetches through
 * it. With stalled checks, jobs of a crashed worker go back to wait once their lock lapses
 * (at-least-once delivery).
 */
export async function openQueueWorker(
  queue: QueueName,
  options: QueueWorkerOptions,
): Promise<FetchingWorker> {
  const worker = new FetchingWorker(queue, null, {
    connection: options.connection,
    prefix: options.prefix,
    name: options.hostname,
    autorun: false,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: 5,
  });
  worker.on('error', (err) => logger.warn(`queue ${queue}: ${err.message}`));
  await worker.waitUntilReady();
  if (options.stalledChecks) await worker.startStalledCheckTimer();
  return worker;
}
