-- Releases a lock if the owner holds it and wakes waiters. The fencing counter stays.
-- KEYS[1]  the lock's hash
-- ARGV[1]  owner id
-- ARGV[2]  release channel
-- ARGV[3]  '1' to announce the release on the channel; '0' for a quiet clean-up of a grant
--          that never became a lock (a Redlock attempt without a majority)
-- Returns 1 if the owner held the lock, 0 if it did not (then nothing changes).
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
if ARGV[3] == '1' then
  redis.call('PUBLISH', ARGV[2], ARGV[1])
end
return 1
