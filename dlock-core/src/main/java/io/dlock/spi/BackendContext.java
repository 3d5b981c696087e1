package io.dlock.spi;

import io.dlock.Scheduler;
import io.dlock.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * What the engine hands a backend when it opens it.
 *
 * @param ticker the engine's monotonic clock; a backend that measures elapsed time (Redlock's
 *     validity) must read this one
 * @param clockDrift the client's drift allowance, for backends that judge a grant's validity
 * @param defaultLease the client's default lease, for backends whose settings depend on the
 *     longest lease in use, and to refuse contradicting options when the client is built
 * @param scheduler the client's timers, for connection upkeep (a reconnection's backoff);
 *     tasks must not block, and a backend never uses them to retry the engine's work
 */
public record BackendContext(Ticker ticker, ClockDrift clockDrift, Duration defaultLease, Scheduler scheduler) {

    /** Checks that no component is null. */
    public BackendContext {
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(clockDrift, "clockDrift");
        Objects.requireNonNull(defaultLease, "defaultLease");
        Objects.requireNonNull(scheduler, "scheduler");
    }
}
