package io.dlock.torture;

import io.dlock.servers.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The storage the workers protect with their locks: a Redis server of its own, outside the
 * lock cluster and never faulted, whose Lua script remembers the highest fencing token per lock
 * and refuses lower ones (reads and writes alike), and logs every operation in the order it ran
 * them. Per lock it holds a counter that every holder increments by a read and a write.
 */
final class FencedStore implements AutoCloseable {

    private static final String SCRIPT = loadScript();

    private final RedisServer server;

    private FencedStore(RedisServer server) {
        this.server = server;
    }

    /** Starts the store's server. */
    static FencedStore start() {
        return new FencedStore(RedisServer.start());
    }

    /** The store's loopback port. */
    int port() {
        return server.port();
    }

    /** Every operation the store ran or refused on {@code lock}'s counter, in its order. */
    List<StoreEntry> log(String lock) {
        String entries = server.command("LRANGE", logKey(lock), "0", "-1");
        return entries.isEmpty()
                ? List.of()
                : entries.lines().map(StoreEntry::parse).toList();
    }

    /** The counter of {@code lock} as the store holds it now. */
    long counter(String lock) {
        String value = server.command("GET", counterKey(lock));
        return value.equals("(nil)") ? 0 : Long.parseLong(value);
    }

    @Override
    public void close() {
        server.close();
    }

    static String script() {
        return SCRIPT;
    }

    static String highestKey(String lock) {
        return "fence:{" + lock + "}";
    }

    static String counterKey(String lock) {
        return "counter:{" + lock + "}";
    }

    static String logKey(String lock) {
        return "log:{" + lock + "}";
    }

    private static String loadScript() {
        try (InputStream in = FencedStore.class.getResourceAsStream("fenced_op.lua")) {
            if (in == null) {
                throw new IllegalStateException("fenced_op.lua is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
