package io.dlock.bench;

import io.dlock.testkit.RedisServer;
import io.dlock.testkit.RedisServers;
import java.util.Arrays;
import java.util.List;

/**
 * The servers a benchmark fork talks to: those {@link BenchMain} started for the whole run
 * (passed as system properties, so every implementation measures against the same servers),
 * or, when a benchmark is run on its own, servers started for this fork and stopped at its end.
 */
final class BenchServers implements AutoCloseable {

    /** Comma-separated {@code host:port} of the Redis servers; the first alone is the single node. */
    static final String REDIS_PROPERTY = "dlock.bench.redis";
    static final int REDIS_COUNT = 5;

    private RedisServers own;

    /** {@code host:port} of the first {@code count} Redis servers. */
    List<String> redis(int count) {
        String shared = System.getProperty(REDIS_PROPERTY);
        List<String> all;
        if (shared != null) {
            all = Arrays.asList(shared.split(","));
        } else {
            if (own == null) {
                own = RedisServers.start(REDIS_COUNT);
            }
            all = own.all().stream().map(RedisServer::hostAndPort).toList();
        }
        return all.subList(0, count);
    }

    String redisUri() {
        return "redis://" + redis(1).get(0);
    }

    String redlockUri(int count) {
        return "redlock://" + String.join(",", redis(count));
    }

    @Override
    public void close() {
        if (own != null) {
            own.close();
        }
    }
}
