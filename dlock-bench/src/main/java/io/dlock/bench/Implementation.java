package io.dlock.bench;

import io.dlock.Lease;
import io.dlock.LockClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** Every implementation the benchmarks compare, each opened on the fork's servers. */
public enum Implementation {
    /** dlock on one Redis node: one acquire script, one release script. */
    DLOCK_REDIS(servers -> new DlockDriver(LockClient.connect(servers.redisUri()))),
    /** dlock Redlock on three masters, restart detection on (the default). */
    DLOCK_REDLOCK_3(servers -> new DlockDriver(LockClient.connect(servers.redlockUri(3)))),
    /** dlock Redlock on five masters, restart detection on (the default). */
    DLOCK_REDLOCK_5(servers -> new DlockDriver(LockClient.connect(servers.redlockUri(5)))),
    /** The floor: {@code SET NX PX} and a compare-and-delete script with the bare Lettuce client. */
    FLOOR_REDIS(servers -> new RedisFloorDriver(servers.redis(1))),
    /** The floor on three masters: the same two commands sent to all nodes in parallel. */
    FLOOR_REDLOCK_3(servers -> new RedisFloorDriver(servers.redis(3))),
    /** The floor on five masters. */
    FLOOR_REDLOCK_5(servers -> new RedisFloorDriver(servers.redis(5)));

    private final Function<BenchServers, LockDriver> opener;

    Implementation(Function<BenchServers, LockDriver> opener) {
        this.opener = opener;
    }

    LockDriver open(BenchServers servers) {
        return opener.apply(servers);
    }

    /** The floor this implementation is measured against. */
    Implementation floor() {
        return switch (this) {
            case DLOCK_REDIS, FLOOR_REDIS -> FLOOR_REDIS;
            case DLOCK_REDLOCK_3, FLOOR_REDLOCK_3 -> FLOOR_REDLOCK_3;
            case DLOCK_REDLOCK_5, FLOOR_REDLOCK_5 -> FLOOR_REDLOCK_5;
        };
    }

    /** dlock through its public API, with a renewed lease as users take it. */
    private static final class DlockDriver implements LockDriver {
        private final LockClient client;

        DlockDriver(LockClient client) {
            this.client = client;
        }

        @Override
        public void acquireRelease(String name) throws Exception {
            Optional<Lease> lease = client.lock(name).tryAcquire(Duration.ZERO);
            lease.orElseThrow(() -> new IllegalStateException("lock " + name + " was taken")).close();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
