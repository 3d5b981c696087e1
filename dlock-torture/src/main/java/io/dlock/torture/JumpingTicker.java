package io.dlock.torture;

import io.dlock.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's engine clock that the nemesis can jump forward: {@link System#nanoTime()} plus an
 * offset that only grows, so it never goes back, as the {@link Ticker} contract requires.
 * Thread-safe.
 */
final class JumpingTicker implements Ticker {

    private final AtomicLong offset = new AtomicLong();

    @Override
    public long nanos() {
        return System.nanoTime() + offset.get();
    }

    /** Moves the clock forward by {@code jump}; its readings jump at once, then go on at the normal rate. */
    void jump(Duration jump) {
        if (jump.isNegative()) {
            throw new IllegalArgumentException("a ticker never goes back; jump was " + jump);
        }
        offset.addAndGet(jump.toNanos());
    }
}
