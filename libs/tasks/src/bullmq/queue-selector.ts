import type { RedisClient } from '../redis/redis-client';
import { evalScript } from '../redis/eval-script';
import { bullQueueKeys, DELAYED_SCORE_FACTOR, META_PAUSED_FIELD } from './queue-keys';

/**
 * Finds the first queue, in the order given, that has a job ready: waiting, prioritized, or delayed
 * and due. Answers {index (1-based, 0 for none), earliest future delayed timestamp among the queues
 * scanned (those before it, or all) or -1}.
 * A third element lists, for each queue before the one found, the id of the last entry of its
 * BullMQ events stream ('0-0' if none): watching those streams from there misses nothing.
 * KEYS: per queue, in priority order: wait, prioritized, delayed, meta, events.
 * ARGV: now (ms), the delayed score factor, the meta hash's paused field.
 */
const SELECT_QUEUE_SCRIPT = `
local now = tonumber(ARGV[1])
local factor = tonumber(ARGV[2])
local nextDelay = -1
local lastIds = {}
for i = 0, (#KEYS / 5) - 1 do
  local base = i * 5
  if redis.call('HEXISTS', KEYS[base + 4], ARGV[3]) == 0 then
    if redis.call('LLEN', KEYS[base + 1]) > 0 or redis.call('ZCARD', KEYS[base + 2]) > 0 then
      return {i + 1, nextDelay, lastIds}
    end
    local d = redis.call('ZRANGE', KEYS[base + 3], 0, 0, 'WITHSCORES')
    if d[2] then
      local ts = math.floor(tonumber(d[2]) / factor)
      if ts <= now then return {i + 1, nextDelay, lastIds} end
      if nextDelay < 0 or ts < nextDelay then nextDelay = ts end
    end
  end
  local last = redis.call('XREVRANGE', KEYS[base + 5], '+', '-', 'COUNT', 1)
  lastIds[i + 1] = last[1] and last[1][1] or '0-0'
end
return {0, nextDelay, lastIds}
`;

export interface Selection {
  /** 1-based index of the highest queue with a job ready; 0 for none. */
  index: number;
  /** Earliest future due time of a delayed job in the queues scanned, or -1. */
  nextDelay: number;
  /** Last event id of each queue's stream above the one found ('0-0' if none). */
  lastIds: string[];
}

/** Picks, in one script, the highest-priority queue with a job ready (see the script above). */
export class QueueSelector {
  private readonly keys: string[];

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    queues: readonly string[],
  ) {
    this.keys = queues.flatMap((q) => {
      const k = bullQueueKeys(prefix, q);
      return [k.wait, k.prioritized, k.delayed, k.meta, k.events];
    });
  }

  async select(now: number): Promise<Selection> {
    const [index, nextDelay, lastIds] = (await evalScript(
      this.client,
      SELECT_QUEUE_SCRIPT,
      this.keys,
      [now, DELAYED_SCORE_FACTOR, META_PAUSED_FIELD],
    )) as [number, number, string[]];
    return { index, nextDelay, lastIds };
  }
}
