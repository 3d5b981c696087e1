package io.dlock;

/**
 * A monotonic time source in nanoseconds, the only clock the engine and the backends read.
 *
 * <p>Values are meaningful only as differences between two readings of the same ticker
 * (compare with {@code a - b < 0}, never {@code a < b}). Tests inject a manual ticker to jump
 * time without sleeping.
 */
@FunctionalInterface
public interface Ticker {

    /** Returns the current reading in nanoseconds; never decreases. Thread-safe. */
    long nanos();

    /** Returns the ticker of the running JVM, {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
