/**
 * Lua for the state changes that must not race: a revoke against a worker starting the task.
 * KEYS[1] is the record hash.
 */

/**
 * KEYS[2]: the timeline list. ARGV: worker, date_started, event JSON.
 * Returns the previous state; REVOKED means: do not run.
 */
export const START_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'REVOKED' then return 'REVOKED' end
redis.call('HSET', KEYS[1], 'state', 'STARTED', 'worker', ARGV[1], 'date_started', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return state or ''
`;

/**
 * KEYS[2]: the timeline list. ARGV: date_done, ttl seconds, event JSON.
 * Revokes only a task that has not started; returns the previous state.
 */
export const REVOKE_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
if state == 'PENDING' or state == 'RETRY' then
  redis.call('HSET', KEYS[1], 'state', 'REVOKED', 'date_done', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return state
`;

/**
 * Writes fields, appends a timeline event (when given) and sets both keys' expiry, in one call.
 * KEYS[1] record, KEYS[2] timeline, KEYS[3] time index (or '' to skip).
 * ARGV: ttl, event JSON (or ''), index score, task id, 1 to replace the record, then field/value pairs.
 */
export const WRITE_SCRIPT = `
if ARGV[5] == '1' then redis.call('DEL', KEYS[1], KEYS[2]) end
if #ARGV > 5 then redis.call('HSET', KEYS[1], unpack(ARGV, 6)) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[2])
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4]) end
return 1
`;
