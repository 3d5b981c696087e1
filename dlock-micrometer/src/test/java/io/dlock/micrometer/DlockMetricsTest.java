package io.dlock.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.testkit.InMemoryLockServer;
import io.dlock.testkit.ManualTime;
import io.dlock.testkit.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Clients bound to one registry with the same tags, on the in-memory reference backend and a
 * manual clock: every event is told before the call that caused it returns.
 */
class DlockMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualTime time = new ManualTime();
    private final InMemoryLockServer server = new InMemoryLockServer(time);
    private final MeterRegistry registry = new SimpleMeterRegistry();

    private LockClient bound(DlockMetrics metrics) {
        LockClient client = LockClient.builder(server.connect())
                .time(time, time)
                .callbackExecutor(Runnable::run)
                .listener(metrics)
                .build();
        metrics.binder(client).bindTo(registry);
        return client;
    }

    private double held(String... tags) {
        return registry.get("dlock.leases.held")
                .tags("backend", "in-memory")
                .tags(tags)
                .gauge()
                .value();
    }

    @Test
    void theHeldGaugeIsTheSumOverEveryClientBoundWithItsTags() throws InterruptedException {
        LockClient first = bound(DlockMetrics.create());
        LockClient second = bound(DlockMetrics.create());
        try {
            Lease ofFirst = first.lock("a").acquire(WAIT);
            second.lock("b").acquire(WAIT);
            second.lock("c").acquire(WAIT);
            assertThat(held()).isEqualTo(3);
            assertThat(registry.find("dlock.leases.held").gauges()).hasSize(1);

            ofFirst.close();
            assertThat(held()).isEqualTo(2);
            second.close();
            assertThat(held()).as("a closed client's leases are released").isZero();
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void withLockNameTagsTheHeldGaugeOfANameCountsEveryClient() throws InterruptedException {
        try (LockClient first = bound(DlockMetrics.withLockNameTags());
                LockClient second = bound(DlockMetrics.withLockNameTags())) {
            first.lock("a").acquire(WAIT).close();
            second.lock("a").acquire(WAIT);
            assertThat(held("lock", "a")).isEqualTo(1);
            first.lock("b").acquire(WAIT);
            assertThat(held("lock", "b")).isEqualTo(1);
        }
        assertThat(held("lock", "a")).isZero();
        assertThat(held("lock", "b")).isZero();
    }

    @Test
    void aClosedClientIsNotKeptAliveByTheRegistry() {
        Supplier<WeakReference<LockClient>> bindAndClose = () -> {
            LockClient client = bound(DlockMetrics.create());
            client.close();
            return new WeakReference<>(client);
        };
        WeakReference<LockClient> closed = bindAndClose.get();
        Poll.until("the closed client is collected", Duration.ofSeconds(10), () -> {
            System.gc();
            return closed.get() == null;
        });
        assertThat(held()).isZero();
    }
}
