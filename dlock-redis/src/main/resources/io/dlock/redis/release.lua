-- Releases a lock if the owner holds it and wakes its waiters. The fencing counter stays.
-- KEYS[1]  the lock's hash
-- ARGV[1]  owner id
-- ARGV[2]  '0' for a quiet clean-up of a grant that never became a lock (a Redlock attempt
--          without a majority); absent to announce the release
-- Returns 1 if the owner held the lock, 0 if it did not (then nothing changes).
--
-- The release is announced on the lock's channel, KEYS[1] .. ':released' (Keys.releaseChannel),
-- only when an attempt was denied while the lock was held (acquire.lua marks the lock 'waited'):
-- a waiter is denied before it listens, so a release nobody was denied by has nobody to wake.
local fields = redis.call('HMGET', KEYS[1], 'owner', 'waited')
if fields[1] ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
if fields[2] and ARGV[2] ~= '0' then
  redis.call('PUBLISH', KEYS[1] .. ':released', ARGV[1])
end
return 1
