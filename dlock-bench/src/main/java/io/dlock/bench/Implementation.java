package io.dlock.bench;

import java.util.Optional;

/**
 * Every implementation the benchmarks compare, each opened on the fork's servers, with the
 * floor it is measured against (the same round trips with a bare client) and its peer (the
 * library users would otherwise pick).
 */
public enum Implementation {
    /** dlock on one Redis node: one acquire script, one release script. */
    DLOCK_REDIS,
    /** dlock Redlock on three masters, restart detection on (the default). */
    DLOCK_REDLOCK_3,
    /** dlock Redlock on five masters, restart detection on (the default). */
    DLOCK_REDLOCK_5,
    /** dlock on ZooKeeper, fair queue (the default). */
    DLOCK_ZOOKEEPER,
    /** Redisson's {@code RLock} on one node, renewed by its watchdog. */
    REDISSON_LOCK,
    /** Redisson's {@code RFencedLock} on one node, which also returns a token. */
    REDISSON_FENCED_LOCK,
    /** Redisson's {@code RedissonRedLock} on three masters. */
    REDISSON_REDLOCK_3,
    /** Redisson's {@code RedissonRedLock} on five masters. */
    REDISSON_REDLOCK_5,
    /** Apache Curator's {@code InterProcessMutex}. */
    CURATOR_MUTEX,
    /** One Redis round trip: PING. */
    FLOOR_REDIS_PING,
    /** {@code SET NX PX} and a compare-and-delete script: the least a safe Redis lock needs. */
    FLOOR_REDIS,
    /** The same two commands sent to three masters in parallel. */
    FLOOR_REDLOCK_3,
    /** The same two commands sent to five masters in parallel. */
    FLOOR_REDLOCK_5,
    /** ZooKeeper: create ephemeral-sequential, list the queue, delete. */
    FLOOR_ZOOKEEPER;

    LockDriver open(BenchServers servers) throws Exception {
        return switch (this) {
            case DLOCK_REDIS -> new DlockDriver("redis://" + servers.redis(1).get(0));
            case DLOCK_REDLOCK_3 -> new DlockDriver(servers.redlockUri(3));
            case DLOCK_REDLOCK_5 -> new DlockDriver(servers.redlockUri(5));
            case DLOCK_ZOOKEEPER -> new DlockDriver("zk://" + servers.zooKeeper());
            case REDISSON_LOCK -> new RedissonDriver(RedissonDriver.Kind.LOCK, servers.redis(1));
            case REDISSON_FENCED_LOCK -> new RedissonDriver(RedissonDriver.Kind.FENCED_LOCK, servers.redis(1));
            case REDISSON_REDLOCK_3 -> new RedissonDriver(RedissonDriver.Kind.RED_LOCK, servers.redis(3));
            case REDISSON_REDLOCK_5 -> new RedissonDriver(RedissonDriver.Kind.RED_LOCK, servers.redis(5));
            case CURATOR_MUTEX -> new CuratorDriver(servers.zooKeeper());
            case FLOOR_REDIS_PING -> RedisFloorDriver.ping(servers.redis(1));
            case FLOOR_REDIS -> RedisFloorDriver.lock(servers.redis(1));
            case FLOOR_REDLOCK_3 -> RedisFloorDriver.lock(servers.redis(3));
            case FLOOR_REDLOCK_5 -> RedisFloorDriver.lock(servers.redis(5));
            case FLOOR_ZOOKEEPER -> new ZooKeeperFloorDriver(servers.zooKeeper());
        };
    }

    /** True for the floors, which measure round trips rather than a lock. */
    boolean isFloor() {
        return name().startsWith("FLOOR_");
    }

    /** The floor this implementation is measured against. */
    Implementation floor() {
        return switch (this) {
            case DLOCK_REDIS, REDISSON_LOCK, REDISSON_FENCED_LOCK, FLOOR_REDIS, FLOOR_REDIS_PING -> FLOOR_REDIS;
            case DLOCK_REDLOCK_3, REDISSON_REDLOCK_3, FLOOR_REDLOCK_3 -> FLOOR_REDLOCK_3;
            case DLOCK_REDLOCK_5, REDISSON_REDLOCK_5, FLOOR_REDLOCK_5 -> FLOOR_REDLOCK_5;
            case DLOCK_ZOOKEEPER, CURATOR_MUTEX, FLOOR_ZOOKEEPER -> FLOOR_ZOOKEEPER;
        };
    }

    /** The other library's implementation of the same thing, for dlock's implementations. */
    Optional<Implementation> peer() {
        return switch (this) {
            case DLOCK_REDIS -> Optional.of(REDISSON_LOCK);
            case DLOCK_REDLOCK_3 -> Optional.of(REDISSON_REDLOCK_3);
            case DLOCK_REDLOCK_5 -> Optional.of(REDISSON_REDLOCK_5);
            case DLOCK_ZOOKEEPER -> Optional.of(CURATOR_MUTEX);
            default -> Optional.empty();
        };
    }
}
