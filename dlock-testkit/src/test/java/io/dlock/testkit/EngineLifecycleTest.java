package io.dlock.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.DistributedLock;
import io.dlock.Health;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockListener;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.LockRequest;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine keeps and lets go: lost leases, the holds of threads that ended, acquisitions
 * racing the client's close, the lease of a session, and where listeners run.
 */
class EngineLifecycleTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualTime time = new ManualTime();
    private final InMemoryLockServer server = new InMemoryLockServer(time);
    private final List<LockClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(LockClient::close);
    }

    private LockClient client() {
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .defaultLease(LEASE)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(client);
        return client;
    }

    @Test
    void aLostLeaseThatIsNeverClosedIsNotKeptByTheClient() {
        LockClient client = client();
        WeakReference<Lease> lost = new WeakReference<>(
                client.lock("lost").acquireAsync(Duration.ZERO).join());
        server.restartLosingData();
        time.advance(LEASE.dividedBy(3)); // the renewal is refused: the lease is lost
        assertThat(lost.get()).isNotNull().matches(lease -> !lease.isValid());
        Poll.until("the lost lease is collected", Duration.ofSeconds(30), () -> {
            System.gc();
            return lost.get() == null;
        });
    }

    @Test
    void aThreadThatEndsHoldingALockIsNotKeptAndItsLockIsReleasedAtTheNextRenewal() throws Exception {
        LockClient client = client();
        DistributedLock lock = client.lock("orphan");
        Thread holder = new Thread(lock::lock, "holder-that-ends");
        holder.start();
        holder.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(holder.isAlive()).isFalse();
        assertThat(client.inspect("orphan").isHeld())
                .as("held by the ended thread's lease")
                .isTrue();
        WeakReference<Thread> ended = new WeakReference<>(holder);
        holder = null;
        Poll.until("the ended thread is collected", Duration.ofSeconds(30), () -> {
            System.gc();
            return ended.get() == null;
        });
        time.advance(LEASE.dividedBy(3));
        assertThat(client.inspect("orphan").isHeld())
                .as("released instead of renewed")
                .isFalse();
        assertThat(server.renewCalls()).isZero();
    }

    @Test
    void anAcquisitionThatStartsWhileTheClientClosesEndsAndBlocksNoLaterWaiter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        LockClient closing = LockClient.builder(context -> new ForwardingLockBackend(server.connect()) {
                    @Override
                    public Acquisition acquisition(LockRequest request, Runnable onChange) {
                        entered.countDown();
                        try {
                            proceed.await(30, TimeUnit.SECONDS); // the client closes meanwhile
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.acquisition(request, onChange);
                    }
                })
                .time(time, time)
                .defaultLease(LEASE)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(closing);
        Lease held = client().lock("closing").acquireAsync(Duration.ZERO).join();
        CompletableFuture<CompletableFuture<Lease>> started =
                CompletableFuture.supplyAsync(() -> closing.lock("closing").acquireAsync(Duration.ofMinutes(10)));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        closing.close();
        proceed.countDown();
        CompletableFuture<Lease> raced = started.get(30, TimeUnit.SECONDS);
        time.advance(Duration.ofSeconds(1));
        assertThat(raced).as("ended by the close, not left waiting").isCompletedExceptionally();
        held.close();
        assertThat(client().inspect("closing").isHeld())
                .as("the raced acquisition took nothing")
                .isFalse();
    }

    @Test
    void theRemainingTimeOfASessionLeaseConvertsToEveryUnit() {
        LockClient client = LockClient.builder(context -> new ForwardingLockBackend(server.connect()) {
                    @Override
                    public BackendCapabilities capabilities() {
                        return BackendCapabilities.mutex(false, false);
                    }
                })
                .time(time, time)
                .defaultLease(LEASE)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(client);
        Lease lease = client.lock("session").acquireAsync(Duration.ZERO).join();
        Duration remaining = lease.remaining();
        assertThat(remaining.toMillis())
                .isGreaterThan(Duration.ofDays(365 * 200).toMillis());
        assertThat(remaining.toNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(remaining.toSeconds()).isPositive();
    }

    @Test
    void everyListenerAddedIsToldInOrderEvenAfterOneThrows() {
        List<String> events = new CopyOnWriteArrayList<>();
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .defaultLease(LEASE)
                .listener(new LockListener() {
                    @Override
                    public void leaseReleased(String lock, Duration held) {
                        events.add("first: " + lock);
                        throw new IllegalStateException("a listener that fails");
                    }
                })
                .listener(new LockListener() {
                    @Override
                    public void leaseReleased(String lock, Duration held) {
                        events.add("second: " + lock);
                    }
                })
                .build();
        clients.add(client);
        client.lock("both").acquireAsync(Duration.ZERO).join().close();
        assertThat(events).containsExactly("first: both", "second: both");
    }

    @Test
    void theListenerHearsOfEachAcquisitionRenewalAndEndOnce() {
        List<String> events = new CopyOnWriteArrayList<>();
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .defaultLease(LEASE)
                .callbackExecutor(Runnable::run)
                .listener(new LockListener() {
                    @Override
                    public void acquisitionEnded(String lock, AcquisitionOutcome outcome, Duration waited) {
                        events.add(lock + " " + outcome + " after " + waited.toMillis() + " ms");
                    }

                    @Override
                    public void leaseReleased(String lock, Duration held) {
                        events.add(lock + " released after " + held.toMillis() + " ms");
                    }

                    @Override
                    public void leaseLost(String lock, LossCause cause, Duration held) {
                        events.add(lock + " lost (" + cause + ") after " + held.toMillis() + " ms");
                    }

                    @Override
                    public void leaseRenewed(String lock, RenewalOutcome outcome) {
                        events.add(lock + " renewal " + outcome);
                    }
                })
                .build();
        clients.add(client);
        Lease kept = client.lock("kept").acquireAsync(Duration.ZERO).join();
        client().lock("taken").acquireAsync(Duration.ZERO).join();
        CompletableFuture<Lease> waiting = client.lock("taken").acquireAsync(Duration.ofSeconds(2));
        time.advance(Duration.ofSeconds(2));
        assertThat(waiting).isCompletedExceptionally();
        time.advance(LEASE.dividedBy(3).minusSeconds(2));
        kept.close();
        Lease lost = client.lock("lost").acquireAsync(Duration.ZERO).join();
        server.restartLosingData();
        time.advance(LEASE.dividedBy(3));
        assertThat(lost.isValid()).isFalse();
        assertThat(events)
                .containsExactly(
                        "kept ACQUIRED after 0 ms",
                        "taken TIMED_OUT after 2000 ms",
                        "kept renewal RENEWED",
                        "kept released after 10000 ms",
                        "lost ACQUIRED after 0 ms",
                        "lost renewal NOT_HELD",
                        "lost lost (RENEWAL_REFUSED) after 10000 ms");
    }

    @Test
    void aFixedLeaseCanBeExtendedOrShortenedOnTheServerAndLocally() {
        LockClient client = client();
        Lease lease = client.lock("extended")
                .acquireAsync(Duration.ZERO, Duration.ofSeconds(5))
                .join();
        time.advance(Duration.ofSeconds(4));
        assertThat(lease.extend(Duration.ofSeconds(10))).isTrue();
        assertThat(client.inspect("extended").holder().orElseThrow().remaining())
                .contains(Duration.ofSeconds(10));
        time.advance(Duration.ofSeconds(9));
        assertThat(lease.isValid()).as("9 s after extending to 10 s").isTrue();
        assertThat(lease.extend(Duration.ofSeconds(1))).as("shortened").isTrue();
        time.advance(Duration.ofSeconds(1));
        assertThat(lease.isValid()).isFalse();
        assertThat(lease.extend(Duration.ofSeconds(10)))
                .as("once ended, it stays ended")
                .isFalse();
        Lease renewed = client.lock("renewed").acquireAsync(Duration.ZERO).join();
        assertThatThrownBy(() -> renewed.extend(Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void releaseAfterKeepsTheLockTakenForThatLongThenFreesItWithoutALoss() {
        List<String> losses = new CopyOnWriteArrayList<>();
        LockClient client = client();
        Lease lease = client.lock("at-least")
                .acquireAsync(Duration.ZERO, Duration.ofMinutes(1))
                .join();
        lease.onLost((l, why) -> losses.add(why));
        lease.releaseAfter(Duration.ofSeconds(3));
        assertThat(lease.isValid()).isFalse();
        CompletableFuture<Lease> other = client().lock("at-least").acquireAsync(Duration.ofSeconds(10));
        time.advance(Duration.ofMillis(2_999));
        assertThat(other).as("kept for 3 s").isNotDone();
        time.advance(Duration.ofMillis(10));
        assertThat(other).as("free after 3 s").isCompleted();
        assertThat(losses).isEmpty();
        assertThatThrownBy(() -> lease.releaseAfter(Duration.ofDays(31))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void healthSaysWhetherTheServiceCanGrantLocks() {
        FaultyLink connection = server.connect();
        LockClient client = LockClient.builder(connection)
                .time(time, time)
                .callbackExecutor(Runnable::run)
                .build();
        clients.add(client);
        assertThat(client.health().up()).isTrue();
        assertThat(client.backendKind()).isEqualTo("in-memory");
        connection.cut();
        assertThat(client.health())
                .matches(health -> !health.up())
                .extracting(Health::details)
                .asString()
                .contains("connection cut");
    }

    @Test
    void lossListenersRunOnTheClientsOwnThreadsByDefault() throws Exception {
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .defaultLease(LEASE)
                .build();
        clients.add(client);
        Lease lease = client.lock("listener").acquireAsync(Duration.ZERO).get(30, TimeUnit.SECONDS);
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        lease.onLost((l, why) -> ranOn.complete(Thread.currentThread()));
        server.restartLosingData();
        time.advance(LEASE.dividedBy(3));
        Thread thread = ranOn.get(30, TimeUnit.SECONDS);
        assertThat(thread.getName())
                .as("not the common pool, where application work would delay it")
                .startsWith("dlock-callback-");
        assertThat(thread.isDaemon()).isTrue();
    }
}
