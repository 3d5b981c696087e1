package io.dlock.redis;

import io.dlock.servers.RedisServer;
import java.util.Arrays;
import java.util.List;

/**
 * The keys a Redis server holds for one lock, read with {@code KEYS}, for the contract's
 * "nothing left behind": every key of the lock's hash tag but its fencing counter, which must
 * outlive grants (for a while after each one) so that tokens keep increasing.
 */
final class LockKeys {

    private LockKeys() {}

    /** The keys of lock {@code name} on {@code server} besides its fencing counter. */
    static List<String> on(RedisServer server, String name) {
        Keys keys = Keys.of(name);
        String reply = server.command("KEYS", escapeGlob(keys.lock()) + "*");
        return Arrays.stream(reply.split("\n"))
                .filter(key -> !key.isEmpty())
                .filter(key -> !key.equals(keys.fencingCounter()))
                .toList();
    }

    /** {@code text} as a KEYS pattern matching only itself: Redis's glob characters escaped. */
    private static String escapeGlob(String text) {
        return text.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
