package io.dlock.bench;

import io.dlock.LockClient;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Many leases held by one client for a while, with 30 s leases renewed by each library's
 * watchdog: the requests per second the renewals send to Redis (counted with MONITOR), and the
 * client heap per lease.
 *
 * <p>The heap figure is the growth of the heap live after a full collection, from a baseline
 * taken once the client has already held and released a batch of leases (so classes, pools and
 * buffers that the first leases bring in do not count), divided by the number of leases.
 */
final class LeaseScaleProbe {

    private static final int WARM_UP_LEASES = 1_000;

    /** One library's figures for {@code leases} held for {@code hold}. */
    record Result(String implementation, int leases, Duration hold, double requestsPerSecond, double bytesPerLease) {}

    /** Takes the lock with the given index and returns what releases it. */
    @FunctionalInterface
    private interface Locker {
        AutoCloseable take(int index) throws Exception;
    }

    private final String redisHostAndPort;
    private final int leases;
    private final Duration hold;

    LeaseScaleProbe(String redisHostAndPort, int leases, Duration hold) {
        this.redisHostAndPort = redisHostAndPort;
        this.leases = leases;
        this.hold = hold;
    }

    Result dlock() throws Exception {
        try (LockClient client = LockClient.connect("redis://" + redisHostAndPort)) {
            return measure("DLOCK_REDIS", i -> client.lock("scale:dlock:" + i).acquire(Duration.ZERO));
        }
    }

    Result redisson() throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + redisHostAndPort);
        RedissonClient client = Redisson.create(config);
        try {
            return measure("REDISSON_LOCK", i -> {
                RLock lock = client.getLock("scale:redisson:" + i);
                if (!lock.tryLock(0, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("lock " + lock.getName() + " was taken");
                }
                return lock::unlock;
            });
        } finally {
            client.shutdown();
        }
    }

    private Result measure(String implementation, Locker locker) throws Exception {
        releaseAll(takeAll(locker, 0, WARM_UP_LEASES));
        List<AutoCloseable> held = new ArrayList<>(leases);
        long heapBefore = liveHeapAfterGc();
        held.addAll(takeAll(locker, WARM_UP_LEASES, leases));
        double bytesPerLease = (liveHeapAfterGc() - heapBefore) / (double) leases;
        double rate = requestsPerSecondWhileHolding();
        releaseAll(held);
        return new Result(implementation, leases, hold, rate, bytesPerLease);
    }

    private static List<AutoCloseable> takeAll(Locker locker, int firstIndex, int count) throws Exception {
        List<AutoCloseable> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            taken.add(locker.take(firstIndex + i));
        }
        return taken;
    }

    private static void releaseAll(List<AutoCloseable> held) throws Exception {
        for (AutoCloseable release : held) {
            release.close();
        }
    }

    private double requestsPerSecondWhileHolding() throws InterruptedException {
        try (RedisMonitor monitor = new RedisMonitor(redisHostAndPort)) {
            long start = System.nanoTime();
            Thread.sleep(hold.toMillis());
            return monitor.requests() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Heap in use after collections, taken as the lowest of a few readings to shed stragglers. */
    private static long liveHeapAfterGc() throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            lowest = Math.min(
                    lowest,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
