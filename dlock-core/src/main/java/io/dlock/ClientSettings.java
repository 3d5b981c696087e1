package io.dlock;

import io.dlock.spi.Scheduler;
import io.dlock.spi.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The options of one client, checked by {@link LockClient.Builder}.
 *
 * @param defaultLease the lease of renewed locks
 * @param driftFactor the share of a lease subtracted from its validity for clock-rate drift
 * @param minimumDrift the fixed part of the drift allowance
 * @param maxRetryDelay the longest a waiter sleeps between attempts without a notification
 * @param ticker the monotonic clock
 * @param scheduler the timers
 * @param callbackExecutor where lease-lost listeners and async completions run
 */
record ClientSettings(Duration defaultLease, double driftFactor, Duration minimumDrift,
        Duration maxRetryDelay, Ticker ticker, Scheduler scheduler, Executor callbackExecutor) {}
