package io.dlock.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for conditions with a deadline instead of sleeping a fixed time: a test that polls
 * with a generous deadline is fast when the system is fast and still passes when it is slow.
 */
public final class Poll {

    /** The short pause between two polls of a condition; never used to wait for an outcome. */
    private static final long PAUSE_NANOS = Duration.ofMillis(10).toNanos();

    private Poll() {}

    /**
     * Polls {@code condition} until it holds, failing with {@code what} when {@code within}
     * passes first.
     *
     * @throws AssertionError naming the condition that did not come true
     */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not true within " + within.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    /**
     * Runs {@code check} repeatedly for {@code period}; it fails the test by throwing if the
     * property it checks is ever violated.
     */
    public static void throughout(Duration period, Runnable check) {
        long end = System.nanoTime() + period.toNanos();
        do {
            check.run();
            LockSupport.parkNanos(PAUSE_NANOS);
        } while (System.nanoTime() - end < 0);
    }
}
