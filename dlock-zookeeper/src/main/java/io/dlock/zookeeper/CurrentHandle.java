package io.dlock.zookeeper;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.utils.DefaultZookeeperFactory;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Makes Curator's ZooKeeper handles (as Curator's default factory does) and remembers the latest,
 * so that the client's current session can be read at any time without side effects.
 *
 * <p>Curator's own way, {@code getZookeeperClient().getZooKeeper()}, first hands out (and so
 * removes) a background error Curator queued for the next operation, which then fails with it;
 * reading the session id must not steal that. Thread-safe.
 */
final class CurrentHandle implements ZookeeperFactory {

    private final ZookeeperFactory maker = new DefaultZookeeperFactory();
    private final AtomicReference<ZooKeeper> latest = new AtomicReference<>();

    /** Makes a handle and remembers it as the current one; called by Curator. */
    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
            throws Exception {
        return remember(maker.newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly));
    }

    /** Makes a handle with {@code config} and remembers it as the current one; called by Curator. */
    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly,
            ZKClientConfig config) throws Exception {
        return remember(maker.newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, config));
    }

    /**
     * The id of the current handle's session: 0, ZooKeeper's "no session", before the first
     * handle is made and while a new handle (after an expiry) has not established its session.
     */
    long sessionId() {
        ZooKeeper handle = latest.get();
        return handle == null ? 0 : handle.getSessionId();
    }

    /** The session timeout the servers granted the current handle; empty before it connected. */
    Optional<Duration> sessionTimeout() {
        ZooKeeper handle = latest.get();
        int millis = handle == null ? 0 : handle.getSessionTimeout();
        return millis > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
    }

    private ZooKeeper remember(ZooKeeper handle) {
        latest.set(handle);
        return handle;
    }
}
