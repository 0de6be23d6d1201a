import type { RedisClient } from '../redis/redis-client';
import { evalScript } from '../redis/eval-script';
import { bullQueueKeys } from './queue-keys';

/**
 * Sets a claim key to a job id unless the job it names now is still in the queue's active list
 * (running, or taken by a worker). One script, so two claimants cannot both win.
 * KEYS: the claim, the queue's active list. ARGV: the claiming job id, the claim's TTL (s).
 */
const CLAIM_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and redis.call('LPOS', KEYS[2], holder) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

/** Claims `claimKey` for job `jobId` of `queue` unless its holder is still active; answers whether it did. */
export async function claimUnlessHolderActive(
  client: RedisClient,
  claim: { key: string; prefix: string; queue: string; jobId: string; ttlSeconds: number },
): Promise<boolean> {
  const active = bullQueueKeys(claim.prefix, claim.queue).active;
  const claimed = await evalScript(
    client,
    CLAIM_SCRIPT,
    [claim.key, active],
    [claim.jobId, claim.ttlSeconds],
  );
  return claimed === 1;
}
