import type { Redis } from 'ioredis';
import type { QueueName } from '../../queues/queue-names';
import { evalScript } from '../../redis/eval-script';

/** Active jobs of a queue whose lock token starts with a tag: id, token, id, token... */
const FIND_HELD = `local found = {}
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local token = redis.call('GET', ARGV[1] .. id .. ':lock')
  if token and string.sub(token, 1, #ARGV[2]) == ARGV[2] then
    found[#found + 1] = id
    found[#found + 1] = token
  end
end
return found`;

export interface HeldJob {
  jobId: string;
  token: string;
}

/** The jobs of `queue` a consumer (a prefork child) holds, by the tag its lock tokens start with. */
export async function findHeldJobs(
  client: Redis,
  prefix: string,
  queue: QueueName,
  tag: string,
): Promise<HeldJob[]> {
  const flat = (await evalScript(
    client,
    FIND_HELD,
    [`${prefix}:${queue}:active`],
    [`${prefix}:${queue}:`, `${tag}:`],
  )) as string[];
  const held: HeldJob[] = [];
  for (let i = 0; i < flat.length; i += 2) held.push({ jobId: flat[i], token: flat[i + 1] });
  return held;
}

/** The lock token of a running task (its job id is its task id), whichever queue it is on. */
export async function holderOf(
  client: Redis,
  prefix: string,
  queues: readonly QueueName[],
  taskId: string,
): Promise<string | undefined> {
  const tokens = await client.mget(...queues.map((q) => `${prefix}:${q}:${taskId}:lock`));
  return tokens.find((t): t is string => !!t);
}
