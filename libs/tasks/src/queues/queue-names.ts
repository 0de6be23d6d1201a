/**
 * The named queues. Never rename one: the names are part of the Redis keys that hold queued work.
 * Priority is strict across the queues a worker serves: higher runs first.
 */
export const QUEUE_PRIORITIES = {
  system: 10,
  missions: 8,
  agents: 6,
  default: 5,
  maintenance: 3,
} as const;

export type QueueName = keyof typeof QUEUE_PRIORITIES;

/** All queues, highest priority first. */
export const QUEUE_NAMES: readonly QueueName[] = (
  Object.keys(QUEUE_PRIORITIES) as QueueName[]
).sort((a, b) => QUEUE_PRIORITIES[b] - QUEUE_PRIORITIES[a]);

export function isQueueName(value: unknown): value is QueueName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(QUEUE_PRIORITIES, value);
}

/** Orders a worker's queues by priority, highest first, dropping duplicates. */
export function byPriority(queues: readonly QueueName[]): QueueName[] {
  return [...new Set(queues)].sort((a, b) => QUEUE_PRIORITIES[b] - QUEUE_PRIORITIES[a]);
}
