package io.dlock.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.LockClient;
import io.dlock.LockState;
import io.dlock.spi.ClockDrift;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockExtender;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.LockException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What ShedLock's own test support ({@code AbstractLockProviderIntegrationTest} and
 * {@code AbstractExtensibleLockProviderIntegrationTest}, not published) checks of a lock
 * provider, against a real backend, without sleeping: times are measured, and conditions polled
 * with deadlines. One subclass per backend says how to build a client; each test uses fresh
 * clients (one per ShedLock "instance") and a lock name of its own.
 *
 * <p>Backends: {@code RedisLockProviderIT} (one Redis node), {@code RedlockLockProviderIT}
 * (three masters), {@code ZooKeeperLockProviderIT} (one ZooKeeper server),
 * {@code InMemoryLockProviderTest} (the test kit's reference backend). Nothing here is specific
 * to a backend (ZooKeeper reports no lease end to {@code inspect}, which {@link #assertHeldFor}
 * allows for).
 */
abstract class LockProviderContract {

    /** How much later than its time a lock may come free on a loaded two-core machine. */
    static final Duration MARGIN = Duration.ofSeconds(3);

    /** The longest lockAtMostFor these tests use (Redlock's restart quarantine must allow it). */
    static final Duration LONGEST_LEASE = Duration.ofSeconds(10);

    private final List<LockClient> clients = new ArrayList<>();
    private LockClient observer;
    String name;

    /** A builder for a new client of the backend under test. */
    protected abstract LockClient.Builder clientBuilder();

    @BeforeEach
    void nameTheLock(TestInfo test) {
        name = "shedlock:" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ":" + System.nanoTime();
        observer = newClient();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(LockClient::close);
        clients.clear();
    }

    LockClient newClient() {
        LockClient client = clientBuilder().build();
        clients.add(client);
        return client;
    }

    /** A provider with a client of its own: one ShedLock instance. */
    DlockLockProvider newInstance() {
        return new DlockLockProvider(newClient());
    }

    static LockConfiguration config(String name, Duration lockAtMostFor, Duration lockAtLeastFor) {
        return new LockConfiguration(Instant.now(), name, lockAtMostFor, lockAtLeastFor);
    }

    LockConfiguration config(Duration lockAtMostFor, Duration lockAtLeastFor) {
        return config(name, lockAtMostFor, lockAtLeastFor);
    }

    LockConfiguration config() {
        return config(LONGEST_LEASE, Duration.ZERO);
    }

    static SimpleLock lock(DlockLockProvider provider, LockConfiguration configuration) {
        Optional<SimpleLock> lock = provider.lock(configuration);
        assertThat(lock).as("locked '%s'", configuration.getName()).isPresent();
        return lock.orElseThrow();
    }

    void assertFree() {
        assertThat(observer.inspect(name).holder()).as("'%s' is free", name).isEmpty();
    }

    /**
     * Asserts the lock is held and, where the server tells when the lease ends, that it ends
     * within {@code lease} (so it was not renewed past it).
     */
    LockState.Holder assertHeldFor(Duration lease) {
        LockState.Holder holder =
                observer.inspect(name).holder().orElseThrow(() -> new AssertionError("'" + name + "' is not held"));
        holder.remaining().ifPresent(remaining -> assertThat(remaining).isLessThanOrEqualTo(lease));
        return holder;
    }

    /** Polls {@code provider} until it gets the lock, and returns it held. */
    static SimpleLock lockWhenFree(DlockLockProvider provider, LockConfiguration configuration, Duration within) {
        AtomicReference<SimpleLock> lock = new AtomicReference<>();
        Poll.until("'" + configuration.getName() + "' free again", within, () -> provider.lock(configuration)
                .map(taken -> {
                    lock.set(taken);
                    return taken;
                })
                .isPresent());
        return lock.get();
    }

    /**
     * Polls {@code provider} until it gets the lock, and unlocks it.
     *
     * @return how long after {@code since} (a {@link System#nanoTime()} reading) it got it
     */
    static Duration lockedAfter(
            DlockLockProvider provider, LockConfiguration configuration, long since, Duration within) {
        SimpleLock lock = lockWhenFree(provider, configuration, within);
        Duration after = Duration.ofNanos(System.nanoTime() - since);
        lock.unlock();
        return after;
    }

    /**
     * How long a fixed lease of {@code lease} stays valid: the lease less the client's default
     * clock-drift allowance (1% + 2 ms). Where grants live as long as a session (ZooKeeper), the
     * client releases the lock then, so another instance may get it that much before the lease.
     */
    static Duration validFor(Duration lease) {
        return lease.minus(ClockDrift.DEFAULT.allowanceFor(lease));
    }

    /** A lease the backend accepts that runs out soon (Redlock needs three node timeouts). */
    protected Duration shortLease() {
        return Duration.ofMillis(50);
    }

    @Nested
    class Exclusion {

        @Test
        void aLockIsHeldUntilUnlocked() {
            SimpleLock lock = lock(newInstance(), config());
            assertHeldFor(LONGEST_LEASE);
            lock.unlock();
            assertFree();
        }

        @Test
        void aSecondLockIsRefusedBySameAndOtherInstances() {
            DlockLockProvider first = newInstance();
            SimpleLock lock = lock(first, config());
            assertThat(first.lock(config())).isEmpty();
            assertThat(newInstance().lock(config())).isEmpty();
            lock.unlock();
        }

        @Test
        void locksOfOtherNamesAreIndependent() {
            DlockLockProvider provider = newInstance();
            SimpleLock one = lock(provider, config());
            SimpleLock other = lock(provider, config(name + ":other", LONGEST_LEASE, Duration.ZERO));
            one.unlock();
            other.unlock();
        }

        @Test
        void canLockRightAfterUnlock() {
            DlockLockProvider provider = newInstance();
            DlockLockProvider other = newInstance();
            for (int i = 0; i < 10; i++) {
                SimpleLock lock = lock(i % 2 == 0 ? provider : other, config());
                assertThat(provider.lock(config())).isEmpty();
                assertThat(other.lock(config())).isEmpty();
                lock.unlock();
            }
        }

        /**
         * ShedLock's single attempt, where a backend too slow to answer in time (a Redlock node
         * past its 100 ms timeout on a loaded machine) skips the run as ShedLock skips a task
         * whose provider throws; at most a few such skips are tolerated.
         */
        private static Optional<SimpleLock> lockOrSkipWhenUnavailable(
                DlockLockProvider provider, LockConfiguration configuration, AtomicInteger unavailable) {
            try {
                return provider.lock(configuration);
            } catch (LockException e) {
                if (!(e.getCause() instanceof BackendUnavailableException) || unavailable.incrementAndGet() > 20) {
                    throw e;
                }
                return Optional.empty();
            }
        }

        /** ShedLock's FuzzTester: threads of two instances count under two locks; no update is lost. */
        @Test
        void countersUnderTheLockLoseNoUpdateAcrossInstances() throws Exception {
            List<DlockLockProvider> instances = List.of(newInstance(), newInstance());
            int threads = 8;
            int iterations = 25;
            int[] counters = new int[2];
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger unavailable = new AtomicInteger();
            AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    DlockLockProvider provider = instances.get(t % 2);
                    int job = (t / 2) % 2;
                    String jobName = name + ":job" + job;
                    workers.add(pool.submit(() -> {
                        for (int done = 0; done < iterations; ) {
                            // lockAtLeastFor 5 ms as in ShedLock's fuzz test: below dlock's shortest lease, released at
                            // once
                            Optional<SimpleLock> lock = lockOrSkipWhenUnavailable(
                                    provider, config(jobName, LONGEST_LEASE, Duration.ofMillis(5)), unavailable);
                            if (lock.isPresent()) {
                                if (inside[job].incrementAndGet() != 1) {
                                    overlaps.incrementAndGet();
                                }
                                int read = counters[job];
                                Thread.yield();
                                counters[job] = read + 1;
                                inside[job].decrementAndGet();
                                lock.get().unlock();
                                done++;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(3, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(overlaps).hasValue(0);
            assertThat(counters[0]).isEqualTo(threads / 2 * iterations);
            assertThat(counters[1]).isEqualTo(threads / 2 * iterations);
        }
    }

    @Nested
    class Timing {

        @Test
        void lockAtMostForIsAFixedLeaseThatFreesTheLock() {
            Duration atMost = Duration.ofMillis(500);
            long start = System.nanoTime();
            lock(newInstance(), config(atMost, Duration.ZERO));
            assertHeldFor(atMost);

            Duration freeAfter = lockedAfter(newInstance(), config(), start, atMost.plus(MARGIN));
            assertThat(freeAfter)
                    .as("not renewed, and held all the way")
                    .isBetween(validFor(atMost), atMost.plus(MARGIN));
        }

        @Test
        void lockAtLeastForKeepsTheLockAfterAnEarlyUnlock() {
            Duration atLeast = Duration.ofSeconds(1);
            long start = System.nanoTime();
            lock(newInstance(), config(LONGEST_LEASE, atLeast)).unlock();
            assertHeldFor(atLeast);

            Duration freeAfter = lockedAfter(newInstance(), config(), start, atLeast.plus(MARGIN));
            assertThat(freeAfter).isBetween(atLeast, atLeast.plus(MARGIN));
        }

        /** A keep shorter than a lease the backend grants (Redlock: three node timeouts) is honoured too. */
        @Test
        void aShortLockAtLeastForIsHonoured() {
            Duration atLeast = Duration.ofMillis(150);
            long start = System.nanoTime();
            lock(newInstance(), config(LONGEST_LEASE, atLeast)).unlock();

            Duration freeAfter = lockedAfter(newInstance(), config(), start, atLeast.plus(MARGIN));
            assertThat(freeAfter).isBetween(atLeast, atLeast.plus(MARGIN));
        }

        @Test
        void anUnlockAfterLockAtLeastForReleasesAtOnce() {
            Duration atLeast = Duration.ofMillis(200);
            SimpleLock lock = lock(newInstance(), config(LONGEST_LEASE, atLeast));
            long start = System.nanoTime(); // after lock() returned, so after it started counting
            DlockLockProvider other = newInstance();
            Poll.until("lockAtLeastFor passed", MARGIN, () -> System.nanoTime() - start > atLeast.toNanos());
            lock.unlock();
            lock(other, config()).unlock();
        }

        @Test
        void aLateUnlockLeavesTheNextHolderAlone() {
            Duration atMost = Duration.ofMillis(300);
            DlockLockProvider late = newInstance();
            SimpleLock stale = lock(late, config(atMost, atMost));
            SimpleLock next = lockWhenFree(newInstance(), config(), atMost.plus(MARGIN));
            long nextToken = assertHeldFor(LONGEST_LEASE).fencingToken();

            stale.unlock();
            assertThat(assertHeldFor(LONGEST_LEASE).fencingToken())
                    .as("the next holder's lock")
                    .isEqualTo(nextToken);
            assertThat(late.lock(config())).isEmpty();
            next.unlock();
            assertFree();
        }

        @Test
        void aLateExtensionIsRefusedAndLeavesTheNextHolderAlone() {
            Duration atMost = Duration.ofMillis(300);
            SimpleLock stale = lock(newInstance(), config(atMost, Duration.ZERO));
            SimpleLock next = lockWhenFree(newInstance(), config(), atMost.plus(MARGIN));
            long nextToken = assertHeldFor(LONGEST_LEASE).fencingToken();

            assertThat(stale.extend(Duration.ofSeconds(1), Duration.ZERO)).isEmpty();
            assertThat(assertHeldFor(LONGEST_LEASE).fencingToken()).isEqualTo(nextToken);
            next.unlock();
            assertFree();
        }
    }

    @Nested
    class Extension {

        @Test
        void anExtendedLockOutlivesItsFirstLease() {
            Duration first = Duration.ofMillis(500);
            long start = System.nanoTime();
            SimpleLock lock = lock(newInstance(), config(first, Duration.ZERO));
            SimpleLock extended = lock.extend(LONGEST_LEASE, Duration.ZERO).orElseThrow();

            DlockLockProvider other = newInstance();
            Poll.throughout(first.plus(Duration.ofMillis(500)), () -> assertThat(other.lock(config()))
                    .isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(first);
            extended.unlock();
            assertFree();
        }

        @Test
        void anExtensionCanShortenTheLease() {
            SimpleLock lock = lock(newInstance(), config());
            long start = System.nanoTime();
            Duration shorter = Duration.ofMillis(400);
            assertThat(lock.extend(shorter, Duration.ZERO)).as("extended").isPresent();
            assertHeldFor(shorter);
            Duration freeAfter = lockedAfter(newInstance(), config(), start, shorter.plus(MARGIN));
            assertThat(freeAfter).isBetween(validFor(shorter), shorter.plus(MARGIN));
        }

        @Test
        void anUnlockedLockCannotBeExtended() {
            SimpleLock lock = lock(newInstance(), config());
            lock.unlock();
            assertFree();
            assertThatThrownBy(() -> lock.extend(LONGEST_LEASE, Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void anExpiredLockIsNotExtended() {
            SimpleLock lock = lock(newInstance(), config(shortLease(), Duration.ZERO));
            Poll.until(
                    "the lease ran out", MARGIN, () -> !observer.inspect(name).isHeld());
            assertThat(lock.extend(LONGEST_LEASE, Duration.ZERO)).isEmpty();
            assertFree();
        }

        @Test
        void theExtensionsLockAtLeastForKeepsTheLock() {
            SimpleLock lock = lock(newInstance(), config());
            Duration atLeast = Duration.ofSeconds(9);
            lock.extend(LONGEST_LEASE, atLeast).orElseThrow().unlock();
            assertHeldFor(atLeast);
            assertThat(newInstance().lock(config())).isEmpty();
        }

        @Test
        void anExtendedLockIsSpent() {
            SimpleLock lock = lock(newInstance(), config());
            SimpleLock extended = lock.extend(LONGEST_LEASE, Duration.ZERO).orElseThrow();
            assertThatThrownBy(() -> lock.extend(LONGEST_LEASE, Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(lock::unlock).isInstanceOf(IllegalStateException.class);
            extended.unlock();
            assertFree();
        }
    }

    @Nested
    class FencingTokens {

        @Test
        void theTaskReadsItsLocksTokenAndTokensIncrease() throws Throwable {
            LockingTaskExecutor executor = new DefaultLockingTaskExecutor(newInstance());
            List<Long> seen = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                executor.executeWithLock(
                        (LockingTaskExecutor.Task) () -> {
                            long token = CurrentLock.fencingToken();
                            assertThat(observer.inspect(name)
                                            .holder()
                                            .orElseThrow()
                                            .fencingToken())
                                    .isEqualTo(token);
                            assertThat(CurrentLock.fencingToken(name)).isEqualTo(token);
                            seen.add(token);
                        },
                        config());
            }
            assertThat(seen).hasSize(3).isSorted().doesNotHaveDuplicates();
            assertThatThrownBy(CurrentLock::fencingToken)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds no ShedLock lock");
        }

        @Test
        void nestedLocksKeepTheirOwnTokensAndAnExtensionKeepsIt() throws Throwable {
            LockingTaskExecutor executor = new DefaultLockingTaskExecutor(newInstance());
            String inner = name + ":inner";
            executor.executeWithLock(
                    (LockingTaskExecutor.Task) () -> {
                        long outerToken = CurrentLock.fencingToken();
                        executor.executeWithLock(
                                (LockingTaskExecutor.Task) () -> {
                                    long innerToken = CurrentLock.fencingToken();
                                    assertThat(observer.inspect(inner)
                                                    .holder()
                                                    .orElseThrow()
                                                    .fencingToken())
                                            .isEqualTo(innerToken);
                                    assertThat(CurrentLock.fencingToken(name)).isEqualTo(outerToken);
                                    LockExtender.extendActiveLock(LONGEST_LEASE, Duration.ZERO);
                                    assertThat(CurrentLock.fencingToken()).isEqualTo(innerToken);
                                },
                                config(inner, Duration.ofSeconds(5), Duration.ZERO));
                        assertThat(CurrentLock.fencingToken()).isEqualTo(outerToken);
                        assertThatThrownBy(() -> CurrentLock.fencingToken(inner))
                                .isInstanceOf(IllegalStateException.class);
                    },
                    config());
            assertFree();
            assertThatThrownBy(CurrentLock::fencingToken).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aLockUnlockedOnAnotherThreadIsForgotten() throws Exception {
            SimpleLock lock = lock(newInstance(), config());
            assertThat(CurrentLock.fencingToken())
                    .isEqualTo(assertHeldFor(LONGEST_LEASE).fencingToken());
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                other.submit(lock::unlock).get(1, TimeUnit.MINUTES);
            } finally {
                other.shutdownNow();
            }
            assertThatThrownBy(CurrentLock::fencingToken).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class BadInput {

        @Test
        void aLockAtMostForShorterThanALeaseIsRefusedNamingIt() {
            assertThatThrownBy(() -> newInstance().lock(config(Duration.ofMillis(1), Duration.ZERO)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lockAtMostFor")
                    .hasMessageContaining(name);
            assertFree();
        }

        @Test
        void aNameDlockCannotHoldIsRefused() {
            assertThatThrownBy(() -> newInstance().lock(config("bad\u0007name", LONGEST_LEASE, Duration.ZERO)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad\u0007name");
        }
    }
}
