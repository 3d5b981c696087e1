package io.dlock.spring.boot;

import io.dlock.LockClient;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * An Actuator health indicator from {@link LockClient#health()}: {@code UP} while the lock service
 * can grant locks, with the backend's kind and its details (Redis: the server; Redlock: the usable
 * nodes k/N, the majority and each node's state; ZooKeeper: the servers, the session and its
 * state), {@code DOWN} with the reason otherwise. Each check waits at most 5 seconds.
 */
public final class DlockHealthIndicator extends AbstractHealthIndicator {

    private final LockClient client;

    /** An indicator for {@code client}. */
    public DlockHealthIndicator(LockClient client) {
        super("dlock health check failed");
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        io.dlock.Health health = client.health();
        (health.up() ? builder.up() : builder.down())
                .withDetail("backend", health.backend())
                .withDetails(health.details());
    }
}
