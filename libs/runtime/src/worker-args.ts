import { hostname as osHostname } from 'node:os';
import { isQueueName, type PoolImplementation, QUEUE_NAMES, type QueueName } from '@brain/tasks';

/** Parses `--queue=system,missions`; answers the queues or throws naming the bad one. */
export function parseQueues(raw: string | undefined): QueueName[] {
  if (!raw) return [...QUEUE_NAMES];
  const names = raw
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const bad = names.filter((q) => !isQueueName(q));
  if (bad.length || !names.length) {
    throw new Error(
      `--queue: unknown queue ${bad.map((b) => `"${b}"`).join(', ') || '(empty)'}; known: ${QUEUE_NAMES.join(', ')}`,
    );
  }
  return names as QueueName[];
}

/** `--partitions 0,2`: the partitions a worker serves, by number; undefined (every one) when absent. */
export function parsePartitions(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  if (!parts.length || parts.some((p, i) => !/^\d+$/.test(p) || numbers[i] > 63))
    throw new Error(
      `--partitions: expected partition numbers from 0 to 63, such as 0,2; got "${raw}"`,
    );
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export function parseConcurrency(raw: string | number | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new Error('--concurrency must be an integer from 1 to 1000');
  return n;
}

/** Celery's node name: `%h` is the host, `%p` the pid; the default is unique per process. */
export function expandHostname(raw: string | undefined): string {
  const template = raw ?? 'worker-%p@%h';
  return template.replace(/%h/g, osHostname()).replace(/%p/g, String(process.pid));
}

const POOLS: readonly PoolImplementation[] = ['prefork', 'threads', 'inline'];

export function parsePool(
  raw: string | undefined,
  fallback: PoolImplementation,
): PoolImplementation {
  if (raw === undefined) return fallback;
  if (!(POOLS as readonly string[]).includes(raw))
    throw new Error(`--pool must be one of ${POOLS.join(', ')}`);
  return raw as PoolImplementation;
}

/** A whole number >= 1, or undefined when not given. */
export function parsePositive(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number >= 1`);
  return n;
}
