-- Extends the leases of many locks in one call, each only if its owner still holds it.
-- KEYS[i]      the lock hash of lease i
-- ARGV[2i-1]   owner id of lease i
-- ARGV[2i]     lease in milliseconds of lease i
-- Returns one entry per lease: 1 if extended, 0 if the lock is no longer held by that owner.
local renewed = {}
for i, key in ipairs(KEYS) do
  if redis.call('HGET', key, 'owner') == ARGV[2 * i - 1] then
    redis.call('PEXPIRE', key, ARGV[2 * i])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
