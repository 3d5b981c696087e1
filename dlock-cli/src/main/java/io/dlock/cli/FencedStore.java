package io.dlock.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A storage system that checks fencing tokens: it remembers the highest token that wrote each
 * key and rejects a write with a lower one, so a holder that lost its lock without noticing
 * (paused past its lease) cannot overwrite a newer holder's work. Thread-safe.
 */
final class FencedStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Long> highestToken = new HashMap<>();
    private final Map<String, String> values = new HashMap<>();

    /** Writes {@code value} if {@code token} is at least the highest seen for {@code key}; returns whether it did. */
    boolean write(String key, String value, long token) {
        lock.lock();
        try {
            if (token < highestToken.getOrDefault(key, Long.MIN_VALUE)) {
                return false;
            }
            highestToken.put(key, token);
            values.put(key, value);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Nullable
    String read(String key) {
        lock.lock();
        try {
            return values.get(key);
        } finally {
            lock.unlock();
        }
    }
}
