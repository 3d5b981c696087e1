-- A fenced read or write of one lock's protected counter, logged in the order the store runs it.
-- KEYS[1]: the highest token seen for this lock; KEYS[2]: the counter; KEYS[3]: the store's log (a list)
-- ARGV[1]: 'read' or 'write'; ARGV[2]: the token, zero-padded to 20 digits so that the strings
--   compare as the numbers do (Lua numbers are doubles and would round 64-bit tokens);
-- ARGV[3]: the worker thread; ARGV[4]: the value to write (a read ignores it);
-- ARGV[5]: '1' to refuse a token lower than the highest seen, '0' to skip the check (a negative control).
-- Returns {1, value read or written} when done, {0, highest token} when refused.
-- Reads are fenced too: a read raises the highest token, so a stale holder's read-modify-write
-- cannot interleave with a newer holder's, and increments are neither lost nor duplicated.
local highest = redis.call('GET', KEYS[1]) or '00000000000000000000'
if ARGV[5] == '1' and ARGV[2] < highest then
  redis.call('RPUSH', KEYS[3], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' 0 rejected')
  return {0, highest}
end
if ARGV[2] > highest then
  redis.call('SET', KEYS[1], ARGV[2])
end
local value
if ARGV[1] == 'write' then
  value = ARGV[4]
  redis.call('SET', KEYS[2], value)
else
  value = redis.call('GET', KEYS[2]) or '0'
end
redis.call('RPUSH', KEYS[3], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. value .. ' ok')
return {1, value}
