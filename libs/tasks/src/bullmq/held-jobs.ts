import type { RedisClient } from '../redis/redis-client';
import { bullQueueKeys } from './queue-keys';

export interface HeldJob {
  jobId: string;
  token: string;
}

/**
 * The active jobs of `queue` a consumer (a prefork child) holds, by the tag its lock tokens start
 * with. Two reads (the active list, then those jobs' locks), not one script: it is asked of a
 * child that is gone, whose set of held jobs can only shrink meanwhile (a lock lapses, a job ends),
 * and a job missed that way is one it no longer holds.
 */
export async function findHeldJobs(
  client: RedisClient,
  prefix: string,
  queue: string,
  tag: string,
): Promise<HeldJob[]> {
  const keys = bullQueueKeys(prefix, queue);
  const ids = await client.lrange(keys.active, 0, -1);
  if (!ids.length) return [];
  const tokens = await client.mget(...ids.map((id) => keys.lock(id)));
  const held: HeldJob[] = [];
  ids.forEach((jobId, i) => {
    const token = tokens[i];
    if (token?.startsWith(`${tag}:`)) held.push({ jobId, token });
  });
  return held;
}

/** The lock token of a running task (its job id is its task id), whichever queue it is on. */
export async function holderOf(
  client: RedisClient,
  prefix: string,
  queues: readonly string[],
  taskId: string,
): Promise<string | undefined> {
  const tokens = await client.mget(...queues.map((q) => bullQueueKeys(prefix, q).lock(taskId)));
  return tokens.find((t): t is string => !!t);
}
