package io.dlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What the engine hands a backend when it opens it.
 *
 * @param ticker the engine's monotonic clock; a backend that measures elapsed time (Redlock's
 *     validity) must read this one
 * @param lossSink where the backend reports locks it finds gone on its own
 * @param clockDrift the client's drift allowance, for backends that judge a grant's validity
 * @param defaultLease the client's default lease, for backends whose settings depend on the
 *     longest lease in use
 * @param scheduler the client's timers, for a backend's own delayed work (tidying up idle
 *     subscriptions, grace periods); tasks must not block
 */
public record BackendContext(Ticker ticker, LeaseLossSink lossSink, ClockDrift clockDrift, Duration defaultLease,
        Scheduler scheduler) {

    /** Checks that no component is null. */
    public BackendContext {
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(lossSink, "lossSink");
        Objects.requireNonNull(clockDrift, "clockDrift");
        Objects.requireNonNull(defaultLease, "defaultLease");
        Objects.requireNonNull(scheduler, "scheduler");
    }
}
