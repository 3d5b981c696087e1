package io.dlock.bench;

import io.dlock.Lease;
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
 */
final class LeaseScaleProbe {

    /** One library's figures for {@code leases} held for {@code hold}. */
    record Result(String implementation, int leases, Duration hold, double requestsPerSecond, double bytesPerLease) {}

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
            client.lock("scale:warm-up").acquire(Duration.ZERO).close();
            long heapBefore = usedHeapAfterGc();
            List<Lease> held = new ArrayList<>(leases);
            for (int i = 0; i < leases; i++) {
                held.add(client.lock("scale:dlock:" + i).acquire(Duration.ZERO));
            }
            double bytesPerLease = (usedHeapAfterGc() - heapBefore) / (double) leases;
            double rate = requestsPerSecondWhileHolding();
            for (Lease lease : held) {
                lease.close();
            }
            return new Result("DLOCK_REDIS", leases, hold, rate, bytesPerLease);
        }
    }

    Result redisson() throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + redisHostAndPort);
        RedissonClient client = Redisson.create(config);
        try {
            long heapBefore = usedHeapAfterGc();
            List<RLock> held = new ArrayList<>(leases);
            for (int i = 0; i < leases; i++) {
                RLock lock = client.getLock("scale:redisson:" + i);
                if (!lock.tryLock(0, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("lock " + i + " was taken");
                }
                held.add(lock);
            }
            double bytesPerLease = (usedHeapAfterGc() - heapBefore) / (double) leases;
            double rate = requestsPerSecondWhileHolding();
            held.forEach(RLock::unlock);
            return new Result("REDISSON_LOCK", leases, hold, rate, bytesPerLease);
        } finally {
            client.shutdown();
        }
    }

    private double requestsPerSecondWhileHolding() throws InterruptedException {
        try (RedisMonitor monitor = new RedisMonitor(redisHostAndPort)) {
            long start = System.nanoTime();
            Thread.sleep(hold.toMillis());
            return monitor.requests() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
