"use strict";
/**
 * Lua for the state changes that must not race: a revoke against a worker starting the task.
 * KEYS[1] is the record hash.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.REVOKE_SCRIPT = exports.START_SCRIPT = void 0;
/** ARGV: worker, date_started. Returns the previous state; REVOKED means: do not run. */
exports.START_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'REVOKED' then return 'REVOKED' end
redis.call('HSET', KEYS[1], 'state', 'STARTED', 'worker', ARGV[1], 'date_started', ARGV[2])
return state or ''
`;
/** ARGV: date_done, ttl seconds. Revokes only a task that has not started; returns the previous state. */
exports.REVOKE_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
if state == 'PENDING' or state == 'RETRY' then
  redis.call('HSET', KEYS[1], 'state', 'REVOKED', 'date_done', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return state
`;
//# sourceMappingURL=result-store.lua.js.map