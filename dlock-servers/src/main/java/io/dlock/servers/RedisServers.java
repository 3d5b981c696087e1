package io.dlock.servers;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several independent {@link RedisServer}s, as the masters of a Redlock set. Closing the group
 * closes every server.
 */
public final class RedisServers implements AutoCloseable {

    private final List<RedisServer> servers;

    private RedisServers(List<RedisServer> servers) {
        this.servers = List.copyOf(servers);
    }

    /** Starts {@code count} servers with the binary {@link RedisServer#start} would use. */
    public static RedisServers start(int count) {
        List<RedisServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(RedisServer.start());
            }
            return new RedisServers(started);
        } catch (RuntimeException e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    /** Server {@code index}, from 0. */
    public RedisServer get(int index) {
        return servers.get(index);
    }

    /** All servers, in order. */
    public List<RedisServer> all() {
        return servers;
    }

    /** {@code redlock://127.0.0.1:p1,127.0.0.1:p2,…} followed by {@code query} (e.g. {@code "?nodeTimeout=50ms"}). */
    public String redlockUri(String query) {
        return "redlock://" + servers.stream().map(RedisServer::hostAndPort).collect(Collectors.joining(",")) + query;
    }

    /** Restarts every stopped server, so the next test starts with all of them up. */
    public void restartStopped() {
        for (RedisServer server : servers) {
            if (!server.isRunning()) {
                server.restart();
            }
        }
    }

    @Override
    public void close() {
        servers.forEach(RedisServer::close);
    }
}
