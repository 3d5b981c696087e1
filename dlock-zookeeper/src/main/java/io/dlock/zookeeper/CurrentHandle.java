package io.dlock.zookeeper;

import io.dlock.Ticker;
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
 * with when it was made, so that the client's current session can be read at any time without
 * side effects.
 *
 * <p>Curator's own way, {@code getZookeeperClient().getZooKeeper()}, first hands out (and so
 * removes) a background error Curator queued for the next operation, which then fails with it;
 * reading the session id must not steal that. Thread-safe.
 */
final class CurrentHandle implements ZookeeperFactory {

    private final ZookeeperFactory maker = new DefaultZookeeperFactory();
    private final Ticker ticker;
    private final AtomicReference<Made> latest = new AtomicReference<>();

    /** Remembers when each handle is made on {@code ticker}. */
    CurrentHandle(Ticker ticker) {
        this.ticker = ticker;
    }

    /**
     * The current handle's session, and when that handle was made.
     *
     * @param id the session id; 0, ZooKeeper's "no session", while the handle has not established one
     * @param handleMadeAt when the handle was made, a reading of the ticker: a handle opens one
     *     session, so the servers created that session after this moment
     */
    record Session(long id, long handleMadeAt) {}

    /** A handle and when it was made. */
    private record Made(ZooKeeper handle, long at) {}

    /** Makes a handle and remembers it as the current one; called by Curator. */
    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
            throws Exception {
        long at = ticker.nanos(); // before the handle exists, so before it can open its session
        return remember(maker.newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly), at);
    }

    /** Makes a handle with {@code config} and remembers it as the current one; called by Curator. */
    @Override
    public ZooKeeper newZooKeeper(
            String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly, ZKClientConfig config)
            throws Exception {
        long at = ticker.nanos();
        return remember(maker.newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, config), at);
    }

    /**
     * The id of the current handle's session: 0, ZooKeeper's "no session", before the first
     * handle is made and while a new handle (after an expiry) has not established its session.
     */
    long sessionId() {
        Made made = latest.get();
        return made == null ? 0 : made.handle().getSessionId();
    }

    /** The current handle's session and when the handle was made; an id of 0 before the first handle. */
    Session session() {
        Made made = latest.get();
        return made == null
                ? new Session(0, ticker.nanos())
                : new Session(made.handle().getSessionId(), made.at());
    }

    /** The session timeout the servers granted the current handle; empty before it connected. */
    Optional<Duration> sessionTimeout() {
        Made made = latest.get();
        int millis = made == null ? 0 : made.handle().getSessionTimeout();
        return millis > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
    }

    private ZooKeeper remember(ZooKeeper handle, long at) {
        latest.set(new Made(handle, at));
        return handle;
    }
}
