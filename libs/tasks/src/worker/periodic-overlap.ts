import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/redis-client';
import { claimUnlessHolderActive } from '../bullmq/active-claim';
import { engineKeys } from '../redis/engine-keys';

/** A claim outlives any sane run; it only has to expire once the schedule is gone. */
const CLAIM_TTL_S = 86_400;

/**
 * Celery Beat happily starts a periodic task again while its last run is still going; here a tick
 * that finds its previous run still active (running, or taken by a worker) is skipped (and
 * recorded as such), so a slow task never runs twice at once. The claim is atomic: two ticks
 * cannot both win.
 */
export async function claimPeriodicRun(job: Job, client: RedisClient): Promise<boolean> {
  if (!job.repeatJobKey || !job.id) return true;
  return claimUnlessHolderActive(client, {
    key: engineKeys(job.prefix).scheduleRun(job.queueName, job.repeatJobKey),
    prefix: job.prefix,
    queue: job.queueName,
    jobId: job.id,
    ttlSeconds: CLAIM_TTL_S,
  });
}
