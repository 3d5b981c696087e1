-- Raises a lock's token to at least a floor, if the owner still holds it (Redlock: after
-- a grant, the holder lifts the token on its majority to the highest any node returned).
-- KEYS[1]  the lock's hash
-- ARGV[1]  owner id
-- ARGV[2]  the floor
-- Returns 1 if the owner holds the lock (the token is now at least the floor), else 0.
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
local token = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
if tonumber(ARGV[2]) > token then
  redis.call('HSET', KEYS[1], 'token', ARGV[2])
end
return 1
