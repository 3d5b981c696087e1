package io.dlock.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Each meter moves as the events happen, on a real Redis. */
class DlockMetricsIT {

    static final Duration MARGIN = Duration.ofSeconds(5);

    static RedisServer server;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private LockClient client;
    private LockClient other;
    private String name;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void connect(TestInfo test) {
        name = "metrics:" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ":" + System.nanoTime();
        client = metered(LockClient.builder(server.uri()), DlockMetrics.create());
        other = LockClient.connect(server.uri());
    }

    @AfterEach
    void close() {
        client.close();
        other.close();
    }

    private LockClient metered(LockClient.Builder builder, DlockMetrics metrics) {
        LockClient built = builder.listener(metrics).build();
        metrics.binder(built).bindTo(registry);
        return built;
    }

    private Timer acquisitions(String outcome) {
        return registry.find("dlock.acquisitions")
                .tags("backend", "redis", "outcome", outcome)
                .timer();
    }

    private long count(String outcome) {
        Timer timer = acquisitions(outcome);
        return timer == null ? 0 : timer.count();
    }

    private double held() {
        return registry.get("dlock.leases.held")
                .tags("backend", "redis")
                .gauge()
                .value();
    }

    private double counter(String meter, String tag, String value) {
        var counter = registry.find(meter).tags("backend", "redis", tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Listeners are told on the thread that saw the outcome, which may be just after the call returned. */
    private static void eventually(String what, java.util.function.BooleanSupplier condition) {
        Poll.until(what, MARGIN, condition);
    }

    @Test
    void anAcquisitionAndItsReleaseAreCountedAndTheLeaseIsHeldBetween() throws InterruptedException {
        assertThat(held()).isZero();
        Lease lease = client.lock(name).acquire(Duration.ofSeconds(10));
        eventually("the acquisition is timed and its lease held", () -> count("acquired") == 1 && held() == 1);

        lease.close();
        eventually("the release is timed", () -> {
            Timer released = registry.find("dlock.leases.released")
                    .tags("backend", "redis")
                    .timer();
            return released != null && released.count() == 1;
        });
        assertThat(held()).isZero();
    }

    @Test
    void aWaitThatRunsOutIsTimedAsTimedOut() throws InterruptedException {
        try (Lease taken = other.lock(name).acquire(Duration.ofSeconds(10))) {
            Duration wait = Duration.ofMillis(300);
            assertThat(client.lock(name).tryAcquire(wait)).isEmpty();
            eventually("the time-out is timed", () -> count("timed_out") == 1);
            assertThat(acquisitions("timed_out").totalTime(TimeUnit.MILLISECONDS))
                    .isGreaterThanOrEqualTo((double) wait.toMillis());
            assertThat(count("acquired")).isZero();
            assertThat(held()).isZero();
            assertThat(taken.isValid())
                    .as("held by the other client throughout")
                    .isTrue();
        }
    }

    @Test
    void aCancelledWaitIsCountedAsCancelled() throws Exception {
        try (Lease taken = other.lock(name).acquire(Duration.ofSeconds(10))) {
            CompletableFuture<Lease> waiting = client.lock(name).acquireAsync(Duration.ofSeconds(30));
            waiting.cancel(true);
            eventually("the cancelled acquisition is timed", () -> count("cancelled") == 1);
            assertThat(held()).isZero();
            assertThat(taken.isValid())
                    .as("held by the other client throughout")
                    .isTrue();
        }
    }

    @Test
    void anUnreachableServerIsCountedAsUnavailable() throws InterruptedException {
        try (RedisServer own = RedisServer.start()) {
            LockClient cutOff = metered(LockClient.builder(own.uri()), DlockMetrics.create());
            try {
                own.stop();
                assertThatThrownBy(() -> cutOff.lock(name).acquire(Duration.ofMillis(500)))
                        .isInstanceOf(BackendUnavailableException.class);
                eventually("the failed acquisition is timed", () -> count("unavailable") == 1);
            } finally {
                cutOff.close();
            }
        }
    }

    @Test
    void aFixedLeaseThatRunsOutIsCountedAsLost() throws InterruptedException {
        client.lock(name).acquire(Duration.ofSeconds(10), Duration.ofMillis(200));
        eventually("the loss is counted", () -> counter("dlock.leases.lost", "cause", "fixed_lease_ended") == 1);
        assertThat(held()).isZero();
        assertThat(held()).isZero();
    }

    @Test
    void renewalsAreCountedAndARefusedOneLosesTheLease() throws InterruptedException {
        try (LockClient renewing =
                metered(LockClient.builder(server.uri()).defaultLease(Duration.ofMillis(300)), DlockMetrics.create())) {
            renewing.lock(name).acquire(Duration.ofSeconds(10));
            eventually("renewals counted", () -> counter("dlock.renewals", "outcome", "renewed") >= 2);

            server.command("DEL", "dlock:{" + name + "}");
            eventually("the refused renewal is counted", () -> counter("dlock.renewals", "outcome", "not_held") == 1);
            eventually("the loss is counted", () -> counter("dlock.leases.lost", "cause", "renewal_refused") == 1);
        }
    }

    @Test
    void lockNamesAreTagsOnlyWhenAskedFor() throws InterruptedException {
        client.lock(name).acquire(Duration.ofSeconds(10)).close();
        eventually(
                "the release is timed",
                () -> registry.find("dlock.leases.released").timer() != null);
        assertThat(registry.getMeters())
                .allSatisfy(meter -> assertThat(meter.getId().getTag("lock")).isNull());

        SimpleMeterRegistry named = new SimpleMeterRegistry();
        DlockMetrics metrics = DlockMetrics.withLockNameTags();
        try (LockClient tagging =
                LockClient.builder(server.uri()).listener(metrics).build()) {
            metrics.binder(tagging).bindTo(named);
            tagging.lock(name).acquire(Duration.ofSeconds(10)).close();
            eventually(
                    "the release is timed, by name",
                    () -> named.find("dlock.leases.released").tags("lock", name).timer() != null);
            assertThat(named.get("dlock.acquisitions")
                            .tags("backend", "redis", "outcome", "acquired", "lock", name)
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(named.get("dlock.leases.held").tags("lock", name).gauge().value())
                    .isZero();
            assertThat(named.getMeters()).extracting(Meter::getId).allSatisfy(id -> assertThat(id.getTag("lock"))
                    .isEqualTo(name));
        }
    }

    @Test
    void anInstanceBindsOnce() {
        DlockMetrics metrics = DlockMetrics.create();
        try (LockClient once =
                LockClient.builder(server.uri()).listener(metrics).build()) {
            metrics.binder(once).bindTo(new SimpleMeterRegistry());
            assertThatThrownBy(() -> metrics.binder(once).bindTo(new SimpleMeterRegistry()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already bound");
        }
    }
}
