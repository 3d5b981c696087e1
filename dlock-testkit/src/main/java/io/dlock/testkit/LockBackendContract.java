package io.dlock.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlock.DistributedLock;
import io.dlock.Health;
import io.dlock.Lease;
import io.dlock.LeaseLostException;
import io.dlock.LockClient;
import io.dlock.LockState;
import io.dlock.LockTimeoutException;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.BackendContext;
import io.dlock.spi.ClockDrift;
import io.dlock.spi.LockBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The behaviour every dlock backend must show, against real servers. A backend's test class
 * extends this and says how to make clients, how to crash or restart things, what the backend
 * offers ({@link #capabilities()}) and what its servers hold for a lock ({@link #leftovers}); the
 * tests are the same for all, in {@code @Nested} groups: exclusion, leases and renewal, release
 * and clean-up, crash recovery, fencing, inspection and health, bad input. A test that cannot
 * apply to a backend (renewal where the servers expire nothing) is skipped with the reason,
 * never passed without testing anything. After every test, once its clients are closed, nothing
 * of its lock may be left on the servers.
 *
 * <p>Timing assertions use generous margins and poll with deadlines: they check that something
 * happens eventually and no later than a bound, never that it takes a precise time.
 */
public abstract class LockBackendContract {

    /** Slack for "promptly" on a loaded two-core machine. */
    protected static final Duration MARGIN = Duration.ofSeconds(3);

    /** How much sooner than asked a lock may come free: the clock-drift allowance and a server's rounding. */
    private static final Duration MARGIN_FOR_DRIFT = Duration.ofMillis(100);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private String lockName;

    /** A builder for a new client of the backend under test, with its default options. */
    protected abstract LockClient.Builder clientBuilder();

    /**
     * Restarts every server the hardest way the backend promises to survive: for Redis with
     * all data lost (no persistence); for a backend whose writes are durable (ZooKeeper), a
     * restart of every server from its disk.
     */
    protected abstract void restartServers();

    /**
     * Makes a holder take {@code name} with a renewed {@code lease}, then die without releasing
     * (a killed process or a cut connection).
     *
     * @return the token the dead holder had
     */
    protected abstract long crashHolderWhileHolding(String name, Duration lease);

    /**
     * What the backend under test offers, as it declares it itself
     * ({@link LockBackend#capabilities()}; {@link #capabilitiesOf} reads it): tests of what it
     * does not offer are skipped, with the reason.
     */
    protected abstract BackendCapabilities capabilities();

    /**
     * What the servers hold for lock {@code name}, read from them directly (keys, nodes, rows),
     * leaving out state that must outlive grants, such as a fencing-token counter: empty once
     * the lock is released and nothing was left behind; not empty while it is held.
     */
    protected abstract List<String> leftovers(String name);

    /**
     * The capabilities of a backend opened by {@code opener} for clients whose default lease is
     * {@code defaultLease} (some backends refuse options that contradict it), closed again at
     * once: for {@link #capabilities()}.
     */
    protected static BackendCapabilities capabilitiesOf(
            Duration defaultLease, Function<BackendContext, LockBackend> opener) {
        ManualTime time = new ManualTime();
        try (LockBackend backend = opener.apply(new BackendContext(time, ClockDrift.DEFAULT, defaultLease, time))) {
            return backend.capabilities();
        }
    }

    /** How long the lock of a crashed holder with {@code lease} may stay taken: lease + margin. */
    protected Duration crashRecoveryBound(Duration lease) {
        return lease.plus(MARGIN);
    }

    /**
     * A client with a renewed {@code lease} whose link to its lock the test freezes and thaws:
     * a stopped process, a long GC pause. A backend whose server expires leases pauses the
     * client's timers (e.g. with {@code dlock-servers}' {@code PausableScheduler} passed to
     * {@link LockClient.Builder#time}), so it stops renewing; a backend whose locks live as long
     * as a session freezes its connections instead (e.g. through {@code dlock-servers}'
     * {@code TcpProxy}). Build it with {@link FreezableHolder#of}.
     */
    protected abstract FreezableHolder freezableHolder(Duration lease);

    /** A holder whose link to its lock a test can freeze; see {@link #freezableHolder(Duration)}. */
    protected interface FreezableHolder extends AutoCloseable {
        /** The holder's client. */
        LockClient client();

        /** Stops the holder from keeping its lock alive. */
        void freeze();

        /** Lets the holder go on, as a resumed process would. */
        void thaw();

        /** Closes the client, then whatever froze it. */
        @Override
        void close();

        /**
         * A holder of {@code client} frozen by {@code freeze} and thawed by {@code thaw}; closing
         * it closes the client, then runs {@code cleanUp} (stopping the timers or proxies).
         */
        static FreezableHolder of(LockClient client, Runnable freeze, Runnable thaw, Runnable cleanUp) {
            return new FreezableHolder() {
                @Override
                public LockClient client() {
                    return client;
                }

                @Override
                public void freeze() {
                    freeze.run();
                }

                @Override
                public void thaw() {
                    thaw.run();
                }

                @Override
                public void close() {
                    client.close();
                    cleanUp.run();
                }
            };
        }
    }

    @BeforeEach
    void nameLockAfterTest(TestInfo test) {
        lockName = "contract:" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ":" + System.nanoTime();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
        Poll.until(
                "nothing of lock " + lockName + " left on the servers once the test's clients are closed",
                MARGIN,
                () -> leftovers(lockName).isEmpty());
    }

    /** A fresh lock name for the running test. */
    protected String name() {
        return lockName;
    }

    /** A new client with default options, closed after the test. */
    protected LockClient newClient() {
        return track(clientBuilder().build());
    }

    /** Registers {@code closeable} to be closed after the test, last first. */
    protected <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** The contract on exclusion: one holder at a time, waiters, the thread-bound lock view. */
    @Nested
    @DisplayName("exclusion")
    class Exclusion {

        @Test
        void concurrentIncrementsUnderTheLockLoseNothingAndNeverOverlap() throws Exception {
            ExclusionCheck.Outcome outcome = ExclusionCheck.run(List.of(newClient(), newClient()), name(), 8, 2_000, 3);
            assertThat(outcome.overlaps()).as("overlapping critical sections").isZero();
            assertThat(outcome.tokenRegressions())
                    .as("tokens that did not increase")
                    .isZero();
            assertThat(outcome.increments()).as("increments").isEqualTo(2_000);
        }

        @Test
        void theLockViewIsReentrantPerThread() throws Exception {
            DistributedLock mine = newClient().lock(name());
            DistributedLock theirs = newClient().lock(name());
            mine.lock();
            mine.lock();
            assertThat(mine.isHeldByCurrentThread()).isTrue();
            mine.unlock();
            assertThat(mine.isHeldByCurrentThread()).isTrue();
            assertThat(theirs.tryLock()).as("taken while held once more").isFalse();
            mine.unlock();
            assertThat(mine.isHeldByCurrentThread()).isFalse();
            assertThat(theirs.tryLock(10, TimeUnit.SECONDS))
                    .as("free after the last unlock")
                    .isTrue();
            theirs.unlock();
        }

        @Test
        void anotherThreadOfTheSameClientDoesNotShareTheHold() throws Exception {
            DistributedLock lock = newClient().lock(name());
            lock.lock();
            try {
                CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(lock::tryLock);
                assertThat(other.get(30, TimeUnit.SECONDS)).isFalse();
                CompletableFuture<Void> unlockByOther = CompletableFuture.runAsync(lock::unlock);
                assertThatThrownBy(() -> unlockByOther.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(IllegalMonitorStateException.class);
            } finally {
                lock.unlock();
            }
        }

        @Test
        void tryLockGivesUpAfterItsWaitAndTakesNothing() throws Exception {
            LockClient holder = newClient();
            LockClient waiter = newClient();
            Lease held = holder.lock(name()).acquire(Duration.ofSeconds(10));
            Duration wait = Duration.ofMillis(700);
            long start = System.nanoTime();
            assertThat(waiter.lock(name()).tryAcquire(wait)).isEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(wait).isLessThan(wait.plus(MARGIN));
            assertThatThrownBy(() -> waiter.lock(name()).acquire(Duration.ZERO))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining(name());
            assertThat(waiter.inspect(name()).holder().orElseThrow().owner()).isEqualTo(held.owner());
            held.close();
            waiter.lock(name()).tryAcquire(Duration.ZERO).orElseThrow().close();
        }

        @Test
        void aWaiterGetsTheLockPromptlyWhenItIsReleased() throws Exception {
            LockClient holder = newClient();
            // Timed retries as rare as this leave only the release notification to wake it promptly.
            LockClient waiter =
                    track(clientBuilder().maxRetryDelay(Duration.ofMinutes(10)).build());
            Lease held = holder.lock(name()).acquire(Duration.ofSeconds(10));
            CompletableFuture<Lease> waiting = waiter.lock(name()).acquireAsync(Duration.ofSeconds(60));
            assertThat(waiting).isNotDone();
            long released = System.nanoTime();
            held.close();
            Lease next = waiting.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(MARGIN);
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            next.close();
        }

        @Test
        void threadsOfOneClientHandTheLockOnAsItIsReleasedNeverAfterATimedRetry() throws Exception {
            // With timed retries this rare, a waiter that missed a release would sleep until the
            // holder's lease ran out (4 s or more on every backend), past its wait: each of the 100
            // hand-offs below must come from the release itself.
            LockClient client =
                    track(clientBuilder().maxRetryDelay(Duration.ofMinutes(10)).build());
            String name = name();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(CompletableFuture.runAsync(
                            () -> {
                                for (int i = 0; i < 25; i++) {
                                    try {
                                        client.lock(name).acquire(MARGIN).close();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        throw new IllegalStateException(e);
                                    }
                                }
                            },
                            threads));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** The contract on leases and renewal: fixed leases end, renewed ones last, extension and delayed release. */
    @Nested
    @DisplayName("leases and renewal")
    class LeasesAndRenewal {

        @Test
        void theWatchdogKeepsALockHeldForThreeTimesItsLease() throws Exception {
            assumeTrue(
                    capabilities().serverExpiresLease(),
                    "this backend's servers do not expire its grants (a grant"
                            + " lives as long as the holder's session), so there is no lease for the watchdog to renew");
            Duration lease = Duration.ofSeconds(1);
            LockClient holder = track(clientBuilder().defaultLease(lease).build());
            LockClient other = newClient();
            Lease held = holder.lock(name()).acquire(Duration.ofSeconds(10));
            Poll.throughout(lease.multipliedBy(3), () -> {
                assertThat(held.isValid()).as("held lease valid").isTrue();
                assertThat(other.lock(name()).tryLock())
                        .as("lock taken by another client")
                        .isFalse();
            });
            held.close();
            other.lock(name()).tryAcquire(Duration.ZERO).orElseThrow().close();
        }

        @Test
        void aFixedLeaseExtendedHoldsPastItsFirstEnd() throws Exception {
            Lease lease = newClient().lock(name()).acquire(Duration.ofSeconds(5), Duration.ofMillis(1_500));
            assertThat(lease.extend(Duration.ofSeconds(4))).isTrue();
            LockClient other = newClient();
            Poll.throughout(Duration.ofSeconds(3), () -> {
                assertThat(lease.isValid()).as("past the first 1.5 s").isTrue();
                assertThat(other.inspect(name()).holder().map(LockState.Holder::owner))
                        .contains(lease.owner());
            });
            lease.close();
            assertThat(lease.extend(Duration.ofSeconds(4))).as("released").isFalse();
        }

        @Test
        void releaseAfterKeepsTheLockTakenForThatLongThenFreesIt() throws Exception {
            Lease lease = newClient().lock(name()).acquire(Duration.ofSeconds(5), Duration.ofSeconds(1));
            Duration keep = Duration.ofSeconds(3);
            long handedBack = System.nanoTime();
            lease.releaseAfter(keep);
            assertThat(lease.isValid()).isFalse();
            LockClient other = newClient();
            assertThat(other.lock(name()).tryAcquire(Duration.ZERO))
                    .as("still kept")
                    .isEmpty();
            Poll.throughout(Duration.ofMillis(1_500), () -> assertThat(
                            other.inspect(name()).isHeld())
                    .as("kept past the end of the lease it had")
                    .isTrue());
            Lease next = other.lock(name()).acquire(keep.plus(MARGIN));
            assertThat(Duration.ofNanos(System.nanoTime() - handedBack))
                    .as("not before the time it was kept for")
                    .isGreaterThanOrEqualTo(keep.minus(MARGIN_FOR_DRIFT));
            next.close();
        }

        @Test
        void aFixedLeaseIsNotRenewedAndEndsLoudly() throws Exception {
            LockClient holder = newClient();
            LockClient other = newClient();
            Duration lease = Duration.ofMillis(800);
            Lease fixed = holder.lock(name()).acquire(Duration.ZERO, lease);
            CountDownLatch told = new CountDownLatch(1);
            fixed.onLost((l, why) -> told.countDown());
            Lease next = other.lock(name()).acquire(lease.plus(MARGIN));
            assertThat(next.fencingToken()).isGreaterThan(fixed.fencingToken());
            assertThat(fixed.isValid()).isFalse();
            assertThat(fixed.remaining()).isEqualTo(Duration.ZERO);
            assertThat(told.await(MARGIN.toMillis(), TimeUnit.MILLISECONDS))
                    .as("lost-listener fired")
                    .isTrue();
            assertThatThrownBy(fixed::close).isInstanceOf(LeaseLostException.class);
            assertThat(other.inspect(name()).holder().orElseThrow().owner()).isEqualTo(next.owner());
            next.close();
        }
    }

    /** The contract on release and clean-up: nothing held, nothing left on the servers. */
    @Nested
    @DisplayName("release and clean-up")
    class ReleaseAndCleanUp {

        @Test
        void aReleasedLockLeavesNothingOnTheServers() throws Exception {
            Lease lease = newClient().lock(name()).acquire(Duration.ofSeconds(10));
            assertThat(leftovers(name()))
                    .as("the servers' state of a held lock (the hook reads it)")
                    .isNotEmpty();
            lease.close();
            Poll.until("nothing of lock " + name() + " left on the servers after its release", MARGIN, () -> leftovers(
                            name())
                    .isEmpty());
        }

        @Test
        void releasingALeaseTwiceIsHarmless() throws Exception {
            LockClient client = newClient();
            Lease lease = client.lock(name()).acquire(Duration.ofSeconds(10));
            lease.close();
            lease.close();
            assertThat(lease.isValid()).isFalse();
            Optional<Lease> again = client.lock(name()).tryAcquire(Duration.ZERO);
            assertThat(again).isPresent();
            again.get().close();
        }

        @Test
        void closingTheClientReleasesItsLocks() throws Exception {
            LockClient closing = clientBuilder().build();
            closing.lock(name()).acquire(Duration.ofSeconds(10));
            closing.close();
            newClient().lock(name()).tryAcquire(Duration.ZERO).orElseThrow().close();
            assertThatThrownBy(() -> closing.lock(name()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }

        @Test
        void cancellingAPendingAsyncAcquisitionLeavesNothingBehind() throws Exception {
            LockClient holder = newClient();
            LockClient waiter = newClient();
            Lease held = holder.lock(name()).acquire(Duration.ofSeconds(10));
            CompletableFuture<Lease> waiting = waiter.lock(name()).acquireAsync(Duration.ofSeconds(60));
            waiting.cancel(true);
            assertThatThrownBy(waiting::join).isInstanceOf(CancellationException.class);
            held.close();
            assertTheGivenUpWaiterTakesNothing(waiter);
        }

        @Test
        void anInterruptedWaiterThrowsAndHoldsNothing() throws Exception {
            LockClient holder = newClient();
            LockClient waiter = newClient();
            Lease held = holder.lock(name()).acquire(Duration.ofSeconds(10));
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    waiter.lock(name()).acquire();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            thread.start();
            Poll.until("the waiter is waiting", MARGIN, () -> thread.getState() == Thread.State.WAITING);
            thread.interrupt();
            assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            held.close();
            assertTheGivenUpWaiterTakesNothing(waiter);
        }
    }

    /** The contract on crash recovery: a crashed or paused holder loses its lock, and is told so. */
    @Nested
    @DisplayName("crash recovery")
    class CrashRecovery {

        @Test
        void aCrashedHolderBlocksOthersNoLongerThanItsLease() throws Exception {
            Duration lease = Duration.ofSeconds(2);
            long crashedToken = crashHolderWhileHolding(name(), lease);
            long crashed = System.nanoTime();
            LockClient survivor = newClient();
            assertThat(survivor.inspect(name()).isHeld())
                    .as("still held by the crashed holder")
                    .isTrue();
            Lease next = survivor.lock(name()).acquire(crashRecoveryBound(lease).plus(MARGIN));
            assertThat(Duration.ofNanos(System.nanoTime() - crashed)).isLessThan(crashRecoveryBound(lease));
            assertThat(next.fencingToken()).isGreaterThan(crashedToken);
            next.close();
        }

        @Test
        void aPausedHolderLosesTheLockAndIsToldSo() throws Exception {
            Duration lease = Duration.ofSeconds(1);
            FreezableHolder frozen = track(freezableHolder(lease));
            LockClient holder = frozen.client();
            LockClient other = newClient();
            Lease stale = holder.lock(name()).acquire(Duration.ofSeconds(10));
            CountDownLatch told = new CountDownLatch(1);
            AtomicReference<String> reason = new AtomicReference<>();
            stale.onLost((lost, why) -> {
                reason.set(why);
                told.countDown();
            });

            frozen.freeze();
            Lease next = other.lock(name()).acquire(crashRecoveryBound(lease).plus(MARGIN));
            assertThat(next.fencingToken()).isGreaterThan(stale.fencingToken());
            assertThat(stale.isValid())
                    .as("the paused holder's lease is past its deadline")
                    .isFalse();

            frozen.thaw();
            assertThat(told.await(MARGIN.toMillis(), TimeUnit.MILLISECONDS))
                    .as("lost-listener fired")
                    .isTrue();
            assertThat(reason.get()).isNotBlank();
            assertThatThrownBy(stale::close).isInstanceOf(LeaseLostException.class);
            assertThat(other.inspect(name()).holder().orElseThrow().owner())
                    .as("the stale holder's release left the new holder alone")
                    .isEqualTo(next.owner());
            assertThat(holder.lock(name()).tryLock()).isFalse();
            next.close();
        }
    }

    /** The contract on fencing: tokens strictly increase, across clients and server restarts. */
    @Nested
    @DisplayName("fencing")
    class Fencing {

        @Test
        void tokensStrictlyIncreaseOverManyAcquisitionsByDifferentClients() throws Exception {
            List<LockClient> clients = List.of(newClient(), newClient(), newClient());
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < 1_000; i++) {
                try (Lease lease = clients.get(i % clients.size()).lock(name()).acquire(Duration.ofSeconds(10))) {
                    assertThat(lease.fencingToken())
                            .as("token of acquisition %d", i)
                            .isGreaterThan(previous);
                    previous = lease.fencingToken();
                }
            }
        }

        @Test
        void tokensKeepIncreasingAcrossAServerRestart() throws Exception {
            LockClient client = newClient();
            long before;
            try (Lease lease = client.lock(name()).acquire(Duration.ofSeconds(10))) {
                before = lease.fencingToken();
            }
            restartServers();
            LockClient fresh = newClient();
            try (Lease lease = fresh.lock(name()).acquire(Duration.ofSeconds(30))) {
                assertThat(lease.fencingToken()).isGreaterThan(before);
            }
        }
    }

    /** The contract on inspection and health: what a client reads without changing anything. */
    @Nested
    @DisplayName("inspection and health")
    class InspectionAndHealth {

        @Test
        void inspectShowsTheHolderAndItsToken() throws Exception {
            LockClient client = newClient();
            assertThat(client.inspect(name()).isHeld()).isFalse();
            try (Lease lease = client.lock(name()).acquire(Duration.ofSeconds(10))) {
                LockState state = newClient().inspect(name());
                LockState.Holder holder = state.holder().orElseThrow();
                assertThat(holder.owner()).isEqualTo(lease.owner());
                assertThat(holder.fencingToken()).isEqualTo(lease.fencingToken());
                assertThat(lease.owner()).startsWith(client.id());
                holder.remaining().ifPresent(remaining -> assertThat(remaining)
                        .as("remaining lease on the server")
                        .isPositive()
                        .isLessThanOrEqualTo(Duration.ofSeconds(30)));
            }
            assertThat(client.inspect(name()).isHeld()).isFalse();
        }

        @Test
        void healthReportsAReachableService() {
            LockClient client = newClient();
            Health health = client.health();
            assertThat(health.up()).as("%s", health).isTrue();
            assertThat(health.backend()).isEqualTo(client.backendKind()).isNotBlank();
        }
    }

    /** The contract on bad input: refused at once with the reason, nothing taken. */
    @Nested
    @DisplayName("bad input")
    class BadInput {

        @Test
        @NullUnmarked // passes null on purpose
        void badInputFailsAtOnceWithTheReason() {
            LockClient client = newClient();
            assertThatThrownBy(() -> client.lock(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("name");
            assertThatThrownBy(() -> client.lock(""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty");
            assertThatThrownBy(() -> client.lock("x".repeat(257)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("257")
                    .hasMessageContaining("256");
            assertThatThrownBy(() -> client.lock("a\nb"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("control character");
            DistributedLock lock = client.lock(name());
            assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(1), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease");
            assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(1), Duration.ofMillis(-5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease");
            assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(1), Duration.ofDays(365)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most");
            assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("wait");
            assertThatThrownBy(() -> lock.acquireAsync(Duration.ofDays(400)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("wait");
            assertThatThrownBy(() -> clientBuilder().defaultLease(Duration.ofMillis(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease");
            assertThatThrownBy(lock::unlock)
                    .isInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining(name());
            assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
            assertThat(client.inspect(name()).isHeld())
                    .as("nothing taken by bad input")
                    .isFalse();
        }
    }

    /**
     * After the holder released, a third client gets the lock and keeps it: a waiter that gave
     * up must neither hold it nor take it later.
     */
    private void assertTheGivenUpWaiterTakesNothing(LockClient gaveUp) throws InterruptedException {
        Lease third = newClient().lock(name()).acquire(MARGIN);
        Poll.throughout(Duration.ofSeconds(1), () -> assertThat(
                        gaveUp.inspect(name()).holder().orElseThrow().owner())
                .as("holder after the waiter gave up")
                .isEqualTo(third.owner()));
        third.close();
    }
}
