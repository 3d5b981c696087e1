package io.dlock;

import io.dlock.spi.ClockDrift;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The options of one client, checked by {@link LockClient.Builder}.
 *
 * @param defaultLease the lease of renewed locks
 * @param clockDrift the allowance subtracted from every lease's validity
 * @param maxRetryDelay the longest a waiter sleeps between attempts without a notification
 * @param ticker the monotonic clock
 * @param scheduler the timers
 * @param callbackExecutor where lease-lost listeners and async completions run
 * @param listener told of acquisitions, releases, losses and renewals
 */
record ClientSettings(
        Duration defaultLease,
        ClockDrift clockDrift,
        Duration maxRetryDelay,
        Ticker ticker,
        Scheduler scheduler,
        Executor callbackExecutor,
        LockListener listener) {

    /**
     * Returns {@code lease} if it leaves some validity after the clock-drift allowance.
     *
     * @throws IllegalArgumentException naming the lease and the allowance when it does not: every
     *     grant of such a lease would be invalid on arrival
     */
    Duration checkValidity(Duration lease) {
        Duration allowance = clockDrift.allowanceFor(lease);
        if (allowance.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("a lease of " + Durations.format(lease) + " leaves no validity after"
                    + " the clock-drift allowance of " + Durations.format(allowance) + " (" + clockDrift.factor()
                    + " of the lease plus " + Durations.format(clockDrift.minimum()) + "); use a longer lease or a"
                    + " smaller drift allowance");
        }
        return lease;
    }
}
