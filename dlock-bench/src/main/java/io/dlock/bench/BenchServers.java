package io.dlock.bench;

import io.dlock.servers.RedisServer;
import io.dlock.servers.RedisServers;
import io.dlock.servers.ZooKeeperServer;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The servers a benchmark fork talks to: those {@link BenchMain} started for the whole run
 * (passed as system properties, so every implementation measures against the same servers),
 * or, when a benchmark is run on its own, servers started for this fork and stopped at its end.
 */
final class BenchServers implements AutoCloseable {

    /** Comma-separated {@code host:port} of the Redis servers; the first alone is the single node. */
    static final String REDIS_PROPERTY = "dlock.bench.redis";
    /** {@code host:port} of the ZooKeeper server. */
    static final String ZOOKEEPER_PROPERTY = "dlock.bench.zookeeper";
    /**
     * Set (to anything) by a smoke run: dlock's Redlock turns restart detection off instead of
     * waiting for fresh servers to outlive its restart quarantine. Its figures then mean nothing,
     * as all of a smoke run's do.
     */
    static final String SMOKE_PROPERTY = "dlock.bench.smoke";

    static final int REDIS_COUNT = 5;

    private @Nullable RedisServers ownRedis;
    private @Nullable ZooKeeperServer ownZooKeeper;

    /** {@code host:port} of the first {@code count} Redis servers. */
    List<String> redis(int count) {
        String shared = System.getProperty(REDIS_PROPERTY);
        List<String> all;
        if (shared != null) {
            all = Arrays.asList(shared.split(","));
        } else {
            if (ownRedis == null) {
                ownRedis = RedisServers.start(REDIS_COUNT);
            }
            if (count > 1 && System.getProperty(SMOKE_PROPERTY) == null) {
                awaitRedlockQuarantine(ownRedis);
            }
            all = ownRedis.all().stream().map(RedisServer::hostAndPort).toList();
        }
        return all.subList(0, count);
    }

    /** A dlock Redlock URI over the first {@code count} Redis servers, with the defaults users get outside a smoke run. */
    String redlockUri(int count) {
        String uri = "redlock://" + String.join(",", redis(count));
        return System.getProperty(SMOKE_PROPERTY) == null ? uri : uri + "?restartDetection=false";
    }

    /**
     * Waits until the Redis servers have been up for Redlock's default restart quarantine: a
     * freshly started node's vote does not count (see RedlockBackend), and the benchmarks use
     * the defaults users get.
     */
    static void awaitRedlockQuarantine(RedisServers redis) {
        long quarantineSeconds = 30;
        long youngest =
                redis.all().stream().mapToLong(RedisServer::uptimeSeconds).min().orElse(quarantineSeconds);
        if (youngest < quarantineSeconds) {
            System.out.printf(
                    "waiting %d s until the Redis servers count for Redlock%n", quarantineSeconds - youngest + 1);
            try {
                Thread.sleep((quarantineSeconds - youngest + 1) * 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Redis servers", e);
            }
        }
    }

    /** {@code host:port} of the ZooKeeper server. */
    String zooKeeper() {
        String shared = System.getProperty(ZOOKEEPER_PROPERTY);
        if (shared != null) {
            return shared;
        }
        if (ownZooKeeper == null) {
            ownZooKeeper = ZooKeeperServer.standalone();
        }
        return ownZooKeeper.hostAndPort();
    }

    @Override
    public void close() {
        if (ownRedis != null) {
            ownRedis.close();
        }
        if (ownZooKeeper != null) {
            ownZooKeeper.close();
        }
    }
}
