import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { evalScript } from '../redis/eval-script';

/**
 * Claims a periodic schedule for one run, unless the run holding it is still in the queue's
 * active list (running, or taken by a worker): then the new tick must be skipped. One script, so
 * two ticks cannot both win.
 */
const CLAIM_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and redis.call('LPOS', KEYS[2], holder) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

/** A claim outlives any sane run; it only has to expire once the schedule is gone. */
const CLAIM_TTL_S = 86_400;

/**
 * Celery Beat happily starts a periodic task again while its last run is still going; here a tick
 * that finds its previous run still active is skipped (and recorded as such), so a slow task never
 * runs twice at once.
 */
export async function claimPeriodicRun(job: Job, client: Redis): Promise<boolean> {
  if (!job.repeatJobKey || !job.id) return true;
  const queueKey = job.queueQualifiedName;
  const claimed = await evalScript(
    client,
    CLAIM_SCRIPT,
    [`${queueKey}:schedule-run:${job.repeatJobKey}`, `${queueKey}:active`],
    [job.id, CLAIM_TTL_S],
  );
  return claimed === 1;
}
