package io.dlock.torture;

import io.dlock.servers.RedisServer;
import io.dlock.servers.ZooKeeperServer;
import java.time.Duration;
import java.util.Locale;

/** One server of a lock cluster, as the nemesis sees it: something to crash, pause or put to sleep. */
interface ClusterNode {

    /** A short name for reports, e.g. {@code redis:6379}. */
    String name();

    /** Kills the server (SIGKILL). */
    void crash();

    /**
     * Starts a crashed server again: Redis empty, answering when this returns; ZooKeeper from
     * its disk, possibly still joining its ensemble.
     */
    void recover();

    /** Stops the process (SIGSTOP). */
    void pause();

    /** Continues a paused process (SIGCONT). */
    void resume();

    /**
     * Blocks the server for {@code length} in {@code DEBUG SLEEP}; returns when it answers again.
     *
     * @throws UnsupportedOperationException on servers without such a command
     */
    void sleep(Duration length);

    /** A Redis server as a cluster node. */
    static ClusterNode of(RedisServer server) {
        return new ClusterNode() {
            @Override
            public String name() {
                return "redis:" + server.port();
            }

            @Override
            public void crash() {
                server.kill();
            }

            @Override
            public void recover() {
                server.restart();
            }

            @Override
            public void pause() {
                server.pause();
            }

            @Override
            public void resume() {
                server.resume();
            }

            @Override
            public void sleep(Duration length) {
                String reply = server.command(
                        "DEBUG", "SLEEP", String.format(Locale.ROOT, "%.3f", length.toMillis() / 1000.0));
                if (!reply.equals("+OK")) {
                    throw new IllegalStateException("DEBUG SLEEP on " + name() + ": " + reply);
                }
            }
        };
    }

    /** A ZooKeeper ensemble member as a cluster node. */
    static ClusterNode of(ZooKeeperServer server) {
        return new ClusterNode() {
            @Override
            public String name() {
                return "zk:" + server.port();
            }

            @Override
            public void crash() {
                server.kill();
            }

            @Override
            public void recover() {
                server.start();
            }

            @Override
            public void pause() {
                server.pause();
            }

            @Override
            public void resume() {
                server.resume();
            }

            @Override
            public void sleep(Duration length) {
                throw new UnsupportedOperationException("ZooKeeper has no DEBUG SLEEP");
            }
        };
    }
}
