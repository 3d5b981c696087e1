package io.dlock;

import java.time.Duration;

/**
 * Runs short, non-blocking tasks after a delay: the engine's timers (retries, deadlines,
 * lease renewal). Tasks only start asynchronous work; they never block.
 *
 * <p>Implementations must be thread-safe. Tests inject a manual scheduler driven by the same
 * manual {@link Ticker} so that deadlines and renewals can be tested without sleeping.
 */
public interface Scheduler {

    /**
     * Runs {@code task} once, no earlier than {@code delay} from now.
     *
     * @return a handle whose {@link Cancellable#cancel()} prevents the task from running if it
     *     has not started yet
     */
    Cancellable schedule(Runnable task, Duration delay);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Prevents the task from running if it has not started; idempotent. */
        void cancel();
    }
}
