-- Takes a lock for an owner if it is free, and hands out a fencing token.
-- KEYS[1]  the lock's hash: field 'owner' (while held) and field 'token' (the last token)
-- ARGV[1]  owner id
-- ARGV[2]  lease in milliseconds
-- Returns {1, token} when the owner holds the lock (also when it already did: a retried
-- request must not fail), or {0, pttl} when another owner holds it.
--
-- The token is max(last token + 1, the server's clock in microseconds). The last token
-- makes it strictly increasing while the key exists. The clock makes it increasing after the
-- key is gone, even after a restart that lost every key: a token runs ahead of the clock only
-- if grants of one name come faster than one per microsecond, which a single-threaded server
-- that must run a release script between two grants does not do, and a restart takes far
-- longer than a microsecond. This assumes the server's clock does not step back across a
-- data-losing restart (see the README).
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tonumber(redis.call('HGET', KEYS[1], 'token'))}
end
if owner then
  return {0, redis.call('PTTL', KEYS[1])}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local last = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
local token = math.max(last + 1, now)
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', string.format('%.0f', token))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, token}
