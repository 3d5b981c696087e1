package io.dlock.bench;

import io.dlock.testkit.RedisServer;

/**
 * The servers a benchmark fork talks to: those {@link BenchMain} started for the whole run
 * (passed as system properties, so every implementation measures against the same servers),
 * or, when a benchmark is run on its own, servers started for this fork and stopped at its end.
 */
final class BenchServers implements AutoCloseable {

    static final String REDIS_PROPERTY = "dlock.bench.redis";

    private RedisServer ownRedis;

    String redisUri() {
        String shared = System.getProperty(REDIS_PROPERTY);
        if (shared != null) {
            return shared;
        }
        if (ownRedis == null) {
            ownRedis = RedisServer.start();
        }
        return ownRedis.uri();
    }

    @Override
    public void close() {
        if (ownRedis != null) {
            ownRedis.close();
        }
    }
}
