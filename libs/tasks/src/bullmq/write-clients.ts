import type { Job, Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { connectionOfKey } from '../redis/redis-client';
import type { WaitingClient } from '../redis/replica-ack';

/**
 * The connection that wrote `key`, for Redis WAIT after a write (durable sending): WAIT counts
 * the writes of the connection it runs on. BullMQ 6 proxies commands it does not wrap, WAIT
 * among them, to the ioredis client underneath; on a Cluster that client would send a keyless
 * WAIT to any node, so it goes to the pool's connection of the master of the key's slot, the one
 * the write went through.
 */
async function writeClientOf(backend: { client: Promise<unknown> }, key: string) {
  const client = await backend.client;
  if (client instanceof Cluster) return connectionOfKey(client as Cluster, key);
  return client as WaitingClient;
}

/** The connection a queue (or worker) writes its jobs on. */
export function queueWriteClient(queue: Queue | Worker): Promise<WaitingClient> {
  return writeClientOf(queue.getBackend(), queue.toKey('id'));
}

/** The connection a job's own calls (moveToDelayed, promote, ...) write on: its queue's or worker's. */
export function jobWriteClient(job: Job): Promise<WaitingClient> {
  const { backend, queue } = job as unknown as {
    backend: { client: Promise<unknown> };
    queue: { toKey(type: string): string };
  };
  return writeClientOf(backend, queue.toKey(job.id ?? 'id'));
}
