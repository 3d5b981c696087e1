package io.dlock.redis;

import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Where one node's script calls go.
 *
 * @param connection the command connection they are sent on
 * @param endpoint the server, named in their failures
 * @param timeouts fails the calls that get no reply within the endpoint's timeout
 */
record ScriptConnection(
        StatefulRedisConnection<String, String> connection, RedisEndpoint endpoint, CallTimeouts timeouts) {}
