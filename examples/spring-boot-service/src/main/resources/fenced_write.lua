-- A fenced write: stores the value unless a write with a higher fencing token came first; every
-- write, done or refused, is logged in the order the store ran it.
-- KEYS[1]: the highest token written; KEYS[2]: the value; KEYS[3]: the store's log (a list)
-- ARGV[1]: the token, zero-padded to 20 digits so that the strings compare as the numbers do
--   (Lua numbers are doubles and would round 64-bit tokens); ARGV[2]: the value
-- Returns 1 when written, 0 when refused.
local highest = redis.call('GET', KEYS[1]) or '00000000000000000000'
if ARGV[1] < highest then
  redis.call('RPUSH', KEYS[3], ARGV[1] .. ' refused ' .. ARGV[2])
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[1] .. ' written ' .. ARGV[2])
return 1
