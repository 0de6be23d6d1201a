import { Logger } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import type { QueueName } from '../queues/queue-names';
import type { BullConnection } from '../redis/redis-connection.service';
import { confirmReplicas, type ReplicaAckPolicy } from '../redis/replica-ack';
import { queueWriteClient } from './write-clients';

type JobData = Parameters<Worker['createJob']>[0];

/** BullMQ's worker, fetched from by hand, with the hook that turns a fetched job's raw data into a Job. */
export class FetchingWorker extends Worker<TaskMessage> {
  /** Durable sending: replicas that must hold the next beat tick this worker schedules. */
  replicaAck?: ReplicaAckPolicy;

  /**
   * Without BullMQ's dedicated blocking connection: the dispatcher fetches with `block: false` and
   * waits for work on a connection of its own, so that one would sit idle (one per queue, per
   * partition, per fetching process; on a Cluster a whole cluster client each).
   */
  protected override createBackend(): void {
    this.backend = this.backendFactory(this.name, this.opts, { withBlockingConnection: false });
  }

  fromRaw(raw: unknown[], token: string): Promise<Job<TaskMessage> | undefined> {
    const [data, id] = raw as [JobData | undefined, string | undefined];
    return this.nextJobFromJobData(data, id, token);
  }

  /**
   * Taking a beat tick makes BullMQ add the next one, on this worker's connection: with durable
   * sending, wait for the replicas to hold it. Too late to refuse anything: a shortfall is logged.
   */
  protected override async nextJobFromJobData(
    data?: JobData,
    id?: string,
    token?: string,
  ): Promise<Job<TaskMessage>> {
    const job = await super.nextJobFromJobData(data, id, token);
    const policy = this.replicaAck;
    if (job?.repeatJobKey && policy && policy.replicas > 0) {
      try {
        await confirmReplicas(
          await queueWriteClient(this),
          policy,
          `next run of ${job.repeatJobKey}`,
        );
      } catch (err) {
        logger.warn(`queue ${this.name}: ${(err as Error).message}`);
      }
    }
    return job;
  }
}

export interface QueueWorkerOptions {
  connection: BullConnection;
  prefix: string;
  hostname: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Run BullMQ's stalled-job checks: once per worker host is enough. */
  stalledChecks: boolean;
  /** Durable sending (see FetchingWorker.replicaAck). */
  replicaAck?: ReplicaAckPolicy;
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
  worker.replicaAck = options.replicaAck;
  worker.on('error', (err) => logger.warn(`queue ${queue}: ${err.message}`));
  await worker.waitUntilReady();
  if (options.stalledChecks) await worker.startStalledCheckTimer();
  return worker;
}
