-- Reads a lock without changing it.
-- KEYS[1]  the lock's hash
-- Returns {owner or '', pttl, the holder's token or ''}.
local fields = redis.call('HMGET', KEYS[1], 'owner', 'token')
return {fields[1] or '', redis.call('PTTL', KEYS[1]), fields[2] or ''}
