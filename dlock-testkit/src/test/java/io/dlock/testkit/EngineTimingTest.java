package io.dlock.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.DistributedLock;
import io.dlock.Lease;
import io.dlock.LeaseLostException;
import io.dlock.LockClient;
import io.dlock.LockTimeoutException;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on a manual clock: renewal at a third of the lease, batching, exact deadlines,
 * backoff bounded by the holder's lease, loss at the deadline, clean-up after lost replies, and
 * the {@link java.util.concurrent.locks.Lock} view's edges. No test sleeps.
 */
class EngineTimingTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualTime time = new ManualTime();
    private final InMemoryLockServer server = new InMemoryLockServer(time);
    private final List<LockClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(LockClient::close);
    }

    private LockClient client() {
        return client(server.connect());
    }

    private LockClient client(FaultyLink connection) {
        LockClient client = LockClient.builder(connection)
                .time(time, time)
                .defaultLease(LEASE)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(client);
        return client;
    }

    private Lease acquireNow(LockClient client, String name) {
        CompletableFuture<Lease> lease = client.lock(name).acquireAsync(Duration.ZERO);
        assertThat(lease).isCompleted();
        return lease.join();
    }

    @Test
    void aNewLeaseIsValidForItsLeaseMinusTheDriftAllowance() {
        Lease lease = acquireNow(client(), "validity");
        Duration drift = Duration.ofMillis(300 + 2);
        assertThat(lease.remaining()).isEqualTo(LEASE.minus(drift));
        time.advance(LEASE.minus(drift).minusNanos(1));
        assertThat(lease.isValid()).isTrue();
    }

    @Test
    void theWatchdogRenewsAtAThirdOfTheLease() {
        Lease lease = acquireNow(client(), "renewal");
        time.advance(Duration.ofMillis(9_999));
        assertThat(server.renewCalls()).isZero();
        time.advance(Duration.ofMillis(1));
        assertThat(server.renewCalls()).isEqualTo(1);
        assertThat(lease.remaining()).isEqualTo(LEASE.minus(Duration.ofMillis(302)));
        time.advance(Duration.ofSeconds(90));
        assertThat(server.renewCalls()).isEqualTo(10);
        assertThat(lease.isValid()).isTrue();
    }

    @Test
    void leasesDueCloseTogetherAreRenewedInOneBatch() {
        LockClient client = client();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            leases.add(acquireNow(client, "batch:" + i));
            time.advance(Duration.ofMillis(20));
        }
        time.advance(Duration.ofSeconds(10).minus(Duration.ofSeconds(2)));
        assertThat(server.renewCalls()).as("one renewal call for 100 leases").isEqualTo(1);
        time.advance(Duration.ofSeconds(60));
        assertThat(server.renewCalls()).isEqualTo(7);
        assertThat(leases).allMatch(Lease::isValid);
    }

    @Test
    void shortLeasesTakenAndReleasedAroundHeldOnesLeaveTheirRenewalsOnTime() {
        LockClient client = client();
        Lease first = acquireNow(client, "held:1");
        acquireNow(client, "churn").close(); // leaves the watchdog's newest bucket empty
        Lease second = acquireNow(client, "held:2"); // due in that same bucket
        for (int i = 0; i < 2_000; i++) { // 6 s of churn over hundreds of buckets
            acquireNow(client, "churn").close();
            time.advance(Duration.ofMillis(3));
        }
        time.advance(Duration.ofSeconds(4).minusMillis(1));
        assertThat(server.renewCalls())
                .as("renewals before a third of the lease")
                .isZero();
        time.advance(Duration.ofMillis(1));
        assertThat(server.renewCalls())
                .as("both held leases in one batch, none of the released")
                .isEqualTo(1);
        assertThat(first.remaining()).isEqualTo(LEASE.minus(Duration.ofMillis(302)));
        assertThat(second.remaining()).isEqualTo(LEASE.minus(Duration.ofMillis(302)));
        time.advance(Duration.ofSeconds(60));
        assertThat(server.renewCalls()).isEqualTo(7);
        assertThat(List.of(first, second)).allMatch(Lease::isValid);
    }

    @Test
    void aWaitEndsExactlyAtItsDeadline() {
        acquireNow(client(), "deadline");
        CompletableFuture<Lease> waiting = client().lock("deadline").acquireAsync(Duration.ofSeconds(5));
        time.advance(Duration.ofMillis(4_999));
        assertThat(waiting).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(waiting)
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(LockTimeoutException.class);
    }

    @Test
    void aWaiterRetriesJustAfterTheHolderLeaseRunsOut() {
        Lease fixed = client().lock("expiry")
                .acquireAsync(Duration.ZERO, Duration.ofMillis(1_500))
                .join();
        int callsBefore = server.acquireCalls();
        CompletableFuture<Lease> waiting = client().lock("expiry").acquireAsync(Duration.ofSeconds(10));
        time.advance(Duration.ofMillis(1_499));
        assertThat(waiting).isNotDone();
        time.advance(Duration.ofMillis(7));
        assertThat(waiting).isCompleted();
        assertThat(waiting.join().fencingToken()).isGreaterThan(fixed.fencingToken());
        assertThat(server.acquireCalls() - callsBefore)
                .as("attempts: first denial, then at expiry")
                .isEqualTo(2);
    }

    @Test
    void withoutNotificationsAWaiterRetriesNoMoreOftenThanTheMaxRetryDelay() {
        acquireNow(client(), "fallback");
        int callsBefore = server.acquireCalls();
        CompletableFuture<Lease> waiting = client().lock("fallback").acquireAsync(Duration.ofSeconds(20));
        time.advance(Duration.ofSeconds(20));
        assertThat(waiting).isCompletedExceptionally();
        assertThat(server.acquireCalls() - callsBefore).isBetween(10, 21);
    }

    @Test
    void aReleaseWakesTheWaiterWithoutWaitingForItsTimer() {
        Lease held = acquireNow(client(), "wake");
        CompletableFuture<Lease> waiting = client().lock("wake").acquireAsync(Duration.ofSeconds(10));
        time.advance(Duration.ofMillis(100));
        held.close();
        assertThat(waiting).isCompleted();
    }

    @Test
    void aLeaseWhoseRenewalsFailIsLostAtItsDeadline() {
        FaultyLink connection = server.connect();
        Lease lease = acquireNow(client(connection), "cut-off");
        AtomicReference<String> reason = new AtomicReference<>();
        lease.onLost((l, why) -> reason.set(why));
        connection.cut();
        Duration validity = LEASE.minus(Duration.ofMillis(302));
        time.advance(validity.minusMillis(1));
        assertThat(reason.get()).isNull();
        assertThat(lease.isValid()).isTrue();
        time.advance(Duration.ofMillis(1));
        assertThat(lease.isValid()).isFalse();
        assertThat(reason.get()).contains("ran out before a renewal succeeded");
    }

    @Test
    void aRefusedRenewalLosesTheLeaseAtOnce() {
        Lease lease = acquireNow(client(), "refused");
        AtomicReference<String> reason = new AtomicReference<>();
        lease.onLost((l, why) -> reason.set(why));
        server.restartLosingData();
        time.advance(Duration.ofSeconds(10));
        assertThat(reason.get()).contains("refused");
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aFixedLeaseEndsAtItsDeadlineAndTellsItsListeners() {
        Lease lease = client().lock("fixed")
                .acquireAsync(Duration.ZERO, Duration.ofSeconds(5))
                .join();
        AtomicReference<String> reason = new AtomicReference<>();
        lease.onLost((l, why) -> reason.set(why));
        time.advance(Duration.ofMillis(4_947));
        assertThat(reason.get()).isNull();
        time.advance(Duration.ofMillis(1));
        assertThat(reason.get()).contains("fixed lease of 5s ran out");
        assertThat(server.renewCalls()).isZero();
    }

    @Test
    void anUnreachableBackendIsRetriedUntilTheDeadlineThenNamed() {
        FaultyLink connection = server.connect();
        connection.cut();
        CompletableFuture<Lease> failing = client(connection).lock("down").acquireAsync(Duration.ofSeconds(3));
        time.advance(Duration.ofSeconds(3));
        assertThat(failing)
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(BackendUnavailableException.class)
                .withMessageContaining("'down'")
                .withMessageContaining("connection cut");

        CompletableFuture<Lease> recovering = client(connection).lock("down").acquireAsync(Duration.ofSeconds(5));
        time.advance(Duration.ofSeconds(1));
        connection.restore();
        time.advance(Duration.ofMillis(1_999));
        assertThat(recovering).as("retried within the 2 s maximum retry delay").isCompleted();
    }

    @Test
    void aWaitEndsAtItsDeadlineWhileAnAttemptHangsAndTheLateGrantIsGivenBack() {
        FaultyLink connection = server.connect();
        LockClient hung = client(connection);
        connection.holdReplies();
        CompletableFuture<Lease> waiting = hung.lock("hung").acquireAsync(Duration.ofMillis(500));
        time.advance(Duration.ofMillis(499));
        assertThat(waiting).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(waiting)
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(LockTimeoutException.class);
        connection.deliverReplies(); // the attempt reaches the server only now, and is granted
        assertThat(client().inspect("hung").isHeld())
                .as("the late grant was given back")
                .isFalse();
    }

    @Test
    void aGrantWhoseReplyWasLostIsGivenBackOnceTheServerAnswersAgainAndWakesWaiters() {
        FaultyLink connection = server.connect();
        LockClient unlucky = client(connection);
        connection.loseNextReply();
        assertThat(unlucky.lock("lost-reply").acquireAsync(Duration.ZERO))
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(BackendUnavailableException.class);
        LockClient patient = patientClient();
        assertThat(patient.inspect("lost-reply").isHeld())
                .as("the grant whose reply was lost")
                .isTrue();
        CompletableFuture<Lease> waiting = patient.lock("lost-reply").acquireAsync(Duration.ofMinutes(1));
        time.advance(Duration.ofSeconds(1));
        assertThat(waiting).isNotDone();
        connection.restore();
        time.advance(Duration.ofSeconds(2));
        assertThat(waiting)
                .as("woken by the clean-up, long before the lost grant's lease ran out")
                .isCompleted();
    }

    @Test
    void aReleaseThatFailsIsRetriedWhileTheServerMayStillHoldTheLock() {
        FaultyLink connection = server.connect();
        Lease lease = acquireNow(client(connection), "release-retry");
        connection.cut();
        lease.close();
        LockClient patient = patientClient();
        CompletableFuture<Lease> waiting = patient.lock("release-retry").acquireAsync(Duration.ofMinutes(1));
        time.advance(Duration.ofSeconds(1));
        assertThat(waiting).isNotDone();
        connection.restore();
        time.advance(Duration.ofSeconds(2));
        assertThat(waiting)
                .as("released by a retry and woken, long before the lease ran out")
                .isCompleted();
    }

    @Test
    void reenteringALockWhoseLeaseRanOutThrowsInsteadOfPretending() {
        DistributedLock lock = client().lock("reenter");
        lock.lock(Duration.ofSeconds(5));
        time.advance(Duration.ofSeconds(5));
        assertThatThrownBy(lock::lock).isInstanceOf(LeaseLostException.class).hasMessageContaining("reenter");
        assertThatThrownBy(lock::tryLock).isInstanceOf(LeaseLostException.class);
        assertThat(lock.isHeldByCurrentThread())
                .as("the earlier hold still needs its unlock")
                .isTrue();
        assertThatThrownBy(lock::unlock).isInstanceOf(LeaseLostException.class);
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(lock.tryLock()).as("a fresh lock after the lost one").isTrue();
        lock.unlock();
    }

    @Test
    void anInterruptBeforeWaitingThrowsClearsTheFlagAndTakesNothing() {
        DistributedLock lock = client().lock("interrupted");
        Thread.currentThread().interrupt();
        assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("flag cleared").isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> lock.acquire(Duration.ZERO)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(server.acquireCalls()).as("no attempt reached the server").isZero();
    }

    @Test
    void tryLockTakesAnyTimeAndWaitsWithoutLimitBeyondTheLongestWait() throws Exception {
        DistributedLock lock = client().lock("any-time");
        assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        lock.unlock();
        assertThat(lock.tryLock(-5, TimeUnit.SECONDS))
                .as("a negative time is one attempt")
                .isTrue();
        lock.unlock();
    }

    @Test
    void closingTheClientEndsAThreadWaitingInLockWithAClearError() throws Exception {
        acquireNow(client(), "closing");
        LockClient waiter = client();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                waiter.lock("closing").lock();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        thread.start();
        Poll.until("the thread waits", Duration.ofSeconds(30), () -> thread.getState() == Thread.State.WAITING);
        waiter.close();
        assertThat(outcome.get(30, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining("closing");
    }

    @Test
    void releaseAsyncCompletesOnTheCallbackExecutor() {
        List<Runnable> callbacks = new ArrayList<>();
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .defaultLease(LEASE)
                .callbackExecutor(callbacks::add)
                .build();
        clients.add(client);
        CompletableFuture<Lease> acquired = client.lock("callbacks").acquireAsync(Duration.ZERO);
        runAll(callbacks);
        CompletableFuture<Void> released = acquired.join().releaseAsync();
        assertThat(client().inspect("callbacks").isHeld())
                .as("released on the server")
                .isFalse();
        assertThat(released).as("not completed on the backend's thread").isNotDone();
        runAll(callbacks);
        assertThat(released).isCompleted();
    }

    @Test
    void aGrantArrivingAfterItsLeaseRanOutIsGivenBackAndTheCallerTimesOut() {
        FaultyLink connection = server.connect();
        LockClient slow = client(connection);
        connection.holdReplies();
        CompletableFuture<Lease> late = slow.lock("late").acquireAsync(Duration.ZERO, Duration.ofSeconds(1));
        time.advance(Duration.ofSeconds(1));
        connection.deliverReplies(); // granted on the server now, its reply a whole lease after the request
        assertThat(late)
                .failsWithin(Duration.ZERO)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(LockTimeoutException.class)
                .withMessageContaining("given back");
        assertThat(client().inspect("late").isHeld())
                .as("the late grant was given back")
                .isFalse();
    }

    @Test
    void aGrantArrivingAfterItsLeaseRanOutCountsAsAFailedAttemptWithinTheWait() {
        FaultyLink connection = server.connect();
        LockClient slow = client(connection);
        connection.holdReplies();
        CompletableFuture<Lease> waiting =
                slow.lock("late-retried").acquireAsync(Duration.ofSeconds(10), Duration.ofSeconds(1));
        time.advance(Duration.ofSeconds(2));
        connection.deliverReplies();
        assertThat(waiting).as("the late grant was not handed out").isNotDone();
        time.advance(Duration.ofMillis(20));
        assertThat(waiting).as("granted again by a retry soon after").isCompleted();
        Lease lease = waiting.join();
        assertThat(lease.isValid()).isTrue();
        assertThat(lease.remaining()).isGreaterThan(Duration.ofMillis(900));
        assertThat(client().inspect("late-retried").holder().orElseThrow().owner())
                .isEqualTo(lease.owner());
    }

    @Test
    void aDriftAllowanceThatLeavesALeaseNoValidityIsRefusedAtBuildAndAtAcquire() {
        assertThatThrownBy(() -> LockClient.builder(server.connect())
                        .time(time, time)
                        .defaultLease(Duration.ofMillis(100))
                        .clockDrift(0.1, Duration.ofMillis(90))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease of 100ms leaves no validity")
                .hasMessageContaining("clock-drift allowance of 100ms");
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .callbackExecutor(Runnable::run)
                .clockDrift(0.0, Duration.ofMillis(50))
                .build();
        clients.add(client);
        assertThatThrownBy(() -> client.lock("short").acquireAsync(Duration.ZERO, Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease of 50ms leaves no validity");
        assertThat(server.acquireCalls()).isZero();
    }

    @Test
    void closingALeasePastItsLocalDeadlineThrowsEvenBeforeTheWatchdogNoticed() {
        AtomicLong clock = new AtomicLong(time.nanos());
        LockClient client = LockClient.builder(server.connect())
                .time(clock::get, time)
                .defaultLease(LEASE)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(client);
        CompletableFuture<Lease> fixed = client.lock("past-fixed").acquireAsync(Duration.ZERO, Duration.ofSeconds(5));
        CompletableFuture<Lease> renewed = client.lock("past-renewed").acquireAsync(Duration.ZERO);
        clock.addAndGet(LEASE.toNanos()); // the client's clock moves on; its timers have not run yet
        assertThatThrownBy(fixed.join()::close)
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("fixed lease of 5s ran out");
        assertThatThrownBy(renewed.join()::close)
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("ran out before a renewal succeeded");
    }

    @Test
    void aSplitVoteIsRetriedSoonAndLessOftenWhileItRepeats() {
        LockClient client = LockClient.builder(context -> new ForwardingLockBackend(server.connect()) {
                    @Override
                    public Acquisition acquisition(LockRequest request, Runnable onChange) {
                        return new Acquisition() {
                            @Override
                            public CompletionStage<AttemptResult> attempt() {
                                return CompletableFuture.completedFuture(new AttemptResult.Retry());
                            }

                            @Override
                            public CompletionStage<Boolean> watch() {
                                throw new AssertionError("a split vote is not watched");
                            }

                            @Override
                            public CompletionStage<Boolean> release() {
                                return CompletableFuture.completedFuture(false);
                            }
                        };
                    }
                })
                .time(time, time)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(client);
        client.lock("split").acquireAsync(Duration.ofMinutes(1));
        List<Duration> retries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Duration next = time.pendingDelays().stream()
                    .filter(d -> d.compareTo(Duration.ofSeconds(50)) < 0)
                    .findFirst()
                    .orElseThrow();
            retries.add(next);
            time.advance(next);
        }
        for (int i = 0; i < retries.size(); i++) {
            Duration cap = Duration.ofMillis(Math.min(2_000, 20L << i));
            assertThat(retries.get(i))
                    .as(
                            "retry %d: at least 1 ms, at most %s (20 ms doubling, capped by the max" + " retry delay)",
                            i + 1, cap)
                    .isBetween(Duration.ofMillis(1), cap);
        }
    }

    @Test
    void aReleaseReportedWhileADeniedAttemptIsInFlightIsNotMissedByAWatchThatCoveredTheAttempt() {
        RepliesOnCue link = new RepliesOnCue(server.connect());
        LockClient client = patientClient(context -> link);
        CompletableFuture<Lease> holding = client.lock("hand-off").acquireAsync(Duration.ZERO);
        link.deliver();
        Lease held = holding.join();
        CompletableFuture<Lease> waiting = client.lock("hand-off").acquireAsync(Duration.ofMinutes(1));
        held.close(); // the server denied the waiter's attempt before this; its reply is still on the way
        link.deliver(); // the denial, then the reply to any attempt made after it
        assertThat(waiting)
                .as("the release came while the waiter's denied attempt was in flight: it attempts again at"
                        + " once instead of sleeping until its next timed retry")
                .isCompleted();
    }

    /**
     * Behaves as the Redis backend does when a lock's release channel is subscribed already: an
     * acquisition listens from its first attempt on, so its watch covers that attempt. The server
     * answers each attempt at once, but the reply reaches the client only when the test calls
     * {@link #deliver()}.
     */
    private static final class RepliesOnCue extends ForwardingLockBackend {
        private final List<Runnable> replies = new ArrayList<>();

        RepliesOnCue(LockBackend delegate) {
            super(delegate);
        }

        /** Delivers the replies held, in order, also those to attempts made meanwhile. */
        void deliver() {
            runAll(replies);
        }

        @Override
        public Acquisition acquisition(LockRequest request, Runnable onChange) {
            Acquisition server = delegate.acquisition(request, onChange);
            return new Acquisition() {
                private boolean listening;

                @Override
                public CompletionStage<AttemptResult> attempt() {
                    if (!listening) {
                        listening = true;
                        server.watch();
                    }
                    AttemptResult answer =
                            server.attempt().toCompletableFuture().join();
                    CompletableFuture<AttemptResult> reply = new CompletableFuture<>();
                    replies.add(() -> reply.complete(answer));
                    return reply;
                }

                @Override
                public CompletionStage<Boolean> watch() {
                    return CompletableFuture.completedFuture(true);
                }

                @Override
                public CompletionStage<Boolean> release() {
                    return server.release();
                }
            };
        }
    }

    /** A client whose timed retries are so rare that only a release notification wakes it promptly. */
    private LockClient patientClient() {
        return patientClient(server.connect());
    }

    private LockClient patientClient(Function<BackendContext, LockBackend> link) {
        LockClient patient = LockClient.builder(link)
                .time(time, time)
                .defaultLease(LEASE)
                .maxRetryDelay(Duration.ofMinutes(10))
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(patient);
        return patient;
    }

    private static void runAll(List<Runnable> callbacks) {
        while (!callbacks.isEmpty()) {
            callbacks.remove(0).run();
        }
    }
}
