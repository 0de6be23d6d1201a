import type { Job, Queue, Worker } from 'bullmq';
import type { WaitingClient } from '../redis/replica-ack';

/**
 * The connections BullMQ writes on, for Redis WAIT after a write (durable sending). BullMQ 6
 * proxies commands it does not wrap, WAIT among them, to the ioredis client underneath.
 */
export async function queueWriteClient(queue: Queue | Worker): Promise<WaitingClient> {
  return (await queue.getBackend().client) as unknown as WaitingClient;
}

/** The connection a job's own calls (moveToDelayed, promote, ...) write on: its queue's or worker's. */
export async function jobWriteClient(job: Job): Promise<WaitingClient> {
  const { backend } = job as unknown as { backend: { client: Promise<unknown> } };
  return (await backend.client) as WaitingClient;
}
