-- Raises a lock's token to at least a floor, if the owner still holds it (Redlock: after
-- a grant, the holder lifts the token on its majority to the highest any node returned).
-- KEYS[1]  the lock's hash
-- KEYS[2]  the lock's fencing counter
-- ARGV[1]  owner id
-- ARGV[2]  the floor
-- ARGV[3]  how long the fencing counter outlives this grant, in milliseconds
-- Returns 1 if the owner holds the lock (the token and the counter are now at least the floor),
-- else 0 (then nothing changes).
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'token')) then
  redis.call('HSET', KEYS[1], 'token', ARGV[2])
end
if tonumber(ARGV[2]) > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
return 1
