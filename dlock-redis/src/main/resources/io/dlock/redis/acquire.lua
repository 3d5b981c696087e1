-- Takes a lock for an owner if it is free, and hands out a fencing token.
-- KEYS[1]  the lock's hash, present while the lock is held: fields 'owner' and 'token' (the grant's),
--          and 'waited' once an attempt was denied while it was held (release.lua then announces)
-- KEYS[2]  the lock's fencing counter: the last token granted, kept for ARGV[3] after each grant
-- ARGV[1]  owner id
-- ARGV[2]  lease in milliseconds
-- ARGV[3]  how long the fencing counter outlives a grant, in milliseconds
-- ARGV[4]  Redlock: the token floor proposed by the client; absent or '' to use this server's
--          clock (single node, which sends only ARGV[1..3])
-- ARGV[5]  Redlock: the restart quarantine in seconds, to report how long this server has been
--          up; absent or '' for no report
-- Returns {1, token, uptime} when the owner holds the lock (also when it already did: a
-- retried request must not fail), or {0, pttl, uptime, holder} when another owner holds it
-- (Redlock tells a holder with a majority from a split vote by the holders' ids). uptime is
-- -1 when not asked for; otherwise a lower bound of the seconds the server has been up (within
-- two seconds of the truth when below the quarantine), so a server up for less than the
-- quarantine never reports the quarantine. The cheap bound is the time since LASTSAVE, which is
-- the start time or a later save; only when that is shorter than the quarantine does the script
-- pay for INFO.
--
-- Single node: the token is the last token + 1 while the counter is remembered, otherwise the
-- server's clock in microseconds (TIME runs only then, off the hot path). The counter makes
-- tokens strictly increasing while it is remembered. Every token is at most the clock at its
-- grant: a chain of + 1 starts at the clock and runs ahead of it only if grants of one name come
-- faster than one per microsecond, which a single-threaded server that must run a release script
-- between two grants does not do. So once the counter is forgotten (ARGV[3] after the last grant,
-- or at once by a restart that lost every key), the clock is above every earlier token, provided
-- the server's clock never stepped back by more than the time since the last grant: the counter's
-- memory, or the time the restart took (see the README).
--
-- Redlock: the token is max(last token + 1, the client's floor), so nodes whose last tokens are
-- below the floor all answer the same token; the client raises the others (raise.lua).
local floor = ARGV[4] or ''
local quarantine = ARGV[5] or ''
local uptime = -1
if quarantine ~= '' then
  -- Both readings are whole seconds that can each overstate the uptime by almost a second:
  -- one second off makes them lower bounds.
  uptime = tonumber(redis.call('TIME')[1]) - tonumber(redis.call('LASTSAVE')) - 1
  if uptime < tonumber(quarantine) then
    uptime = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)')) - 1
  end
  uptime = math.max(uptime, 0)
end
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tonumber(redis.call('HGET', KEYS[1], 'token')), uptime}
end
if owner then
  -- The denied owner waits for the release: mark the lock so that its release announces itself
  -- (a release nobody waits for publishes nothing).
  redis.call('HSET', KEYS[1], 'waited', '1')
  return {0, redis.call('PTTL', KEYS[1]), uptime, owner}
end
local last = redis.call('GET', KEYS[2])
local token
if floor ~= '' then
  token = math.max(tonumber(last or '0') + 1, tonumber(floor))
elseif last then
  token = tonumber(last) + 1
else
  local time = redis.call('TIME')
  token = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
token = string.format('%.0f', token)
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], token, 'PX', ARGV[3])
return {1, tonumber(token), uptime}
