package io.dlock.testkit;

import io.dlock.DistributedLock;
import io.dlock.LockClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The classic mutual-exclusion check: threads in several clients increment an unsynchronized
 * counter under one lock through the {@link java.util.concurrent.locks.Lock} view. A lost
 * update, two threads inside at once, or a fencing token that does not increase from one
 * critical section to the next is counted, not thrown, so a test can assert on each.
 */
public final class ExclusionCheck {

    /**
     * What one run saw.
     *
     * @param increments the counter at the end; equal to the target when no update was lost
     * @param overlaps times a thread entered while another was inside
     * @param tokenRegressions critical sections whose token was not above the previous one's
     */
    public record Outcome(int increments, int overlaps, int tokenRegressions) {}

    private ExclusionCheck() {}

    /**
     * Runs {@code threadsPerClient} threads in each client until the counter reaches
     * {@code target}, and waits for them (failing after {@code minutes}).
     */
    public static Outcome run(List<LockClient> clients, String name, int threadsPerClient, int target, int minutes)
            throws Exception {
        int[] counter = {0};
        long[] lastToken = {Long.MIN_VALUE};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger tokenRegressions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerClient * clients.size());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (LockClient client : clients) {
                DistributedLock lock = client.lock(name);
                for (int t = 0; t < threadsPerClient; t++) {
                    workers.add(pool.submit(() -> {
                        while (true) {
                            lock.lock();
                            try {
                                if (inside.incrementAndGet() != 1) {
                                    overlaps.incrementAndGet();
                                }
                                long token = lock.currentLease().orElseThrow().fencingToken();
                                if (token <= lastToken[0]) {
                                    tokenRegressions.incrementAndGet();
                                }
                                lastToken[0] = token;
                                boolean done = counter[0] >= target;
                                if (!done) {
                                    int read = counter[0];
                                    Thread.yield();
                                    counter[0] = read + 1;
                                }
                                inside.decrementAndGet();
                                if (done) {
                                    return null;
                                }
                            } finally {
                                lock.unlock();
                            }
                        }
                    }));
                }
            }
            for (Future<?> worker : workers) {
                worker.get(minutes, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Outcome(counter[0], overlaps.get(), tokenRegressions.get());
    }
}
