package io.dlock.servers;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The short pause between two polls of a condition; never used to wait for an outcome. */
final class Pause {

    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

    private Pause() {}

    static void briefly() {
        LockSupport.parkNanos(POLL_NANOS);
    }
}
