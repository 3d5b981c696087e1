-- Takes a lock for an owner if it is free, and hands out a fencing token.
-- KEYS[1]  the lock's hash: field 'owner' (while held) and field 'token' (the last token)
-- ARGV[1]  owner id
-- ARGV[2]  lease in milliseconds
-- ARGV[3]  token floor proposed by the client, or '' to use this server's clock (single node)
-- ARGV[4]  Redlock's restart quarantine in seconds, to report how long this server has been up,
--          or '' for no report
-- Returns {1, token, uptime} when the owner holds the lock (also when it already did: a
-- retried request must not fail), or {0, pttl, uptime} when another owner holds it. uptime is
-- -1 when not asked for; otherwise a lower bound of the server's uptime in seconds, exact when
-- below the quarantine. The cheap bound is the time since LASTSAVE, which is the start time or
-- a later save; only when that is shorter than the quarantine does the script pay for INFO.
--
-- Single node: the token is max(last token + 1, the server's clock in microseconds). The last
-- token makes it strictly increasing while the key exists. The clock makes it increasing after
-- the key is gone, even after a restart that lost every key: a token runs ahead of the clock
-- only if grants of one name come faster than one per microsecond, which a single-threaded
-- server that must run a release script between two grants does not do, and a restart takes
-- far longer than a microsecond. This assumes the server's clock does not step back across a
-- data-losing restart (see the README).
--
-- Redlock: the token is max(last token + 1, the client's floor), so nodes whose last tokens are
-- below the floor all answer the same token; the client raises the others (raise.lua).
local uptime = -1
if ARGV[4] ~= '' then
  uptime = tonumber(redis.call('TIME')[1]) - tonumber(redis.call('LASTSAVE'))
  if uptime < tonumber(ARGV[4]) then
    uptime = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)'))
  end
end
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tonumber(redis.call('HGET', KEYS[1], 'token')), uptime}
end
if owner then
  return {0, redis.call('PTTL', KEYS[1]), uptime}
end
local floor
if ARGV[3] == '' then
  local time = redis.call('TIME')
  floor = tonumber(time[1]) * 1000000 + tonumber(time[2])
else
  floor = tonumber(ARGV[3])
end
local last = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
local token = math.max(last + 1, floor)
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', string.format('%.0f', token))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, token, uptime}
