package io.dlock.zookeeper;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;

/**
 * The watches one acquisition sets, removed together when it ends. The Curator facade that keeps
 * track of them is made at the first watch, so an acquisition granted at once pays nothing for it.
 * Thread-safe.
 */
final class AcquisitionWatches {

    private final CuratorFramework client;
    private final ZooKeeperEndpoint endpoint;
    private final AtomicReference<Tracking> tracking = new AtomicReference<>();

    AcquisitionWatches(CuratorFramework client, ZooKeeperEndpoint endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    /** Calls whose watches {@link #removeAll()} removes. */
    ZooKeeperCalls calls() {
        Tracking current = tracking.get();
        if (current == null) {
            WatcherRemoveCuratorFramework watchers = client.newWatcherRemoveCuratorFramework();
            Tracking created = new Tracking(watchers, new ZooKeeperCalls(watchers, endpoint));
            Tracking earlier = tracking.compareAndExchange(null, created);
            current = earlier != null ? earlier : created;
        }
        return current.calls();
    }

    /** Removes the watches set through {@link #calls()} that have not fired. */
    void removeAll() {
        Tracking current = tracking.get();
        if (current != null) {
            current.watchers().removeWatchers();
        }
    }

    private record Tracking(WatcherRemoveCuratorFramework watchers, ZooKeeperCalls calls) {}
}
