import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/redis-client';
import { evalScript } from '../redis/eval-script';
import { bullQueueKeys, JOB_FIELDS } from './queue-keys';

/** Taking the job counted a start; giving it back unstarted takes that back. */
const UNCOUNT_START = `if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
end
return 0`;

/**
 * Returns a reserved job, unstarted, to the front of its queue (BullMQ's moveToWait keeps its
 * place among equal priorities), so any worker may take it, in priority order.
 */
export async function releaseJob(job: Job, token: string, client: RedisClient): Promise<void> {
  await job.moveToWait(token);
  const key = bullQueueKeys(job.prefix, job.queueName).job(job.id!);
  await evalScript(client, UNCOUNT_START, [key], [JOB_FIELDS.attemptsStarted]);
}
