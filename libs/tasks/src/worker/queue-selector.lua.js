"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SELECT_QUEUE_SCRIPT = void 0;
/**
 * Finds the first queue, in the order given, that has a job ready: waiting, prioritized, or delayed
 * and due. Answers {index (1-based, 0 for none), earliest future delayed timestamp or -1}.
 * KEYS: per queue, in priority order: wait, prioritized, delayed, meta.
 * ARGV[1]: now, ms. BullMQ stores delayed scores as timestamp * 0x1000 + counter.
 */
exports.SELECT_QUEUE_SCRIPT = `
local now = tonumber(ARGV[1])
local nextDelay = -1
for i = 0, (#KEYS / 4) - 1 do
  local base = i * 4
  if redis.call('HEXISTS', KEYS[base + 4], 'paused') == 0 then
    if redis.call('LLEN', KEYS[base + 1]) > 0 or redis.call('ZCARD', KEYS[base + 2]) > 0 then
      return {i + 1, -1}
    end
    local d = redis.call('ZRANGE', KEYS[base + 3], 0, 0, 'WITHSCORES')
    if d[2] then
      local ts = math.floor(tonumber(d[2]) / 4096)
      if ts <= now then return {i + 1, -1} end
      if nextDelay < 0 or ts < nextDelay then nextDelay = ts end
    end
  end
end
return {0, nextDelay}
`;
//# sourceMappingURL=queue-selector.lua.js.map