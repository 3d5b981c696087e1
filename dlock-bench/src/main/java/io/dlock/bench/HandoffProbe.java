package io.dlock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Eight threads of one client taking turns on one lock, measured from outside JMH so the
 * servers can be watched: hand-offs per second and the mean gap from one release to the next
 * acquisition (a timed pass), then the requests each hand-off costs (a second pass under
 * MONITOR for Redis, the packet counter for ZooKeeper): a waiter that spins against the server
 * shows up there, not in latency.
 */
final class HandoffProbe {

    /**
     * One implementation's hand-off figures.
     *
     * @param requestsPerHandoff client requests (Redis, summed over the nodes; commands scripts
     *     run inside do not count) or packets received (ZooKeeper) per acquire + release
     */
    record Result(
            Implementation implementation, double handoffsPerSecond, double meanGapMicros, double requestsPerHandoff) {}

    private final BenchServers servers;
    private final ZooKeeperPackets zooKeeperPackets;
    private final int threads;
    private final int rounds;

    HandoffProbe(BenchServers servers, ZooKeeperPackets zooKeeperPackets, int threads, int rounds) {
        this.servers = servers;
        this.zooKeeperPackets = zooKeeperPackets;
        this.threads = threads;
        this.rounds = rounds;
    }

    Result measure(Implementation implementation) throws Exception {
        try (LockDriver driver = implementation.open(servers)) {
            run(driver, Math.max(1, rounds / 5)); // warm-up: connections, scripts, JIT
            long start = System.nanoTime();
            run(driver, rounds);
            long elapsed = System.nanoTime() - start;
            int handoffs = threads * rounds;
            return new Result(
                    implementation,
                    handoffs / (elapsed / 1e9),
                    elapsed / 1e3 / handoffs,
                    countRequests(implementation, driver) / (double) handoffs);
        }
    }

    /** Runs the same hand-offs again, counting what reaches the servers. */
    private long countRequests(Implementation implementation, LockDriver driver) throws Exception {
        int nodes =
                switch (implementation.floor()) {
                    case FLOOR_REDLOCK_3 -> 3;
                    case FLOOR_REDLOCK_5 -> 5;
                    case FLOOR_ZOOKEEPER -> 0;
                    default -> 1;
                };
        if (nodes == 0) {
            long before = zooKeeperPackets.received();
            run(driver, rounds);
            return zooKeeperPackets.received() - before;
        }
        List<RedisMonitor> monitors = new ArrayList<>();
        try {
            for (String node : servers.redis(nodes)) {
                monitors.add(new RedisMonitor(node));
            }
            run(driver, rounds);
            return monitors.stream().mapToLong(RedisMonitor::requests).sum();
        } finally {
            monitors.forEach(RedisMonitor::close);
        }
    }

    private void run(LockDriver driver, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        driver.acquireRelease("bench:handoff", true);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
