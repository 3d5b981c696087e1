package io.dlock.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The floor of a ZooKeeper queue lock with the bare client: create an ephemeral-sequential
 * node, list the queue, delete the node. Three requests, each waited for.
 */
final class ZooKeeperFloorDriver implements LockDriver {

    private static final String ROOT = "/floor-bench";

    private final ZooKeeper zooKeeper;
    private final Set<String> parents = ConcurrentHashMap.newKeySet();

    ZooKeeperFloorDriver(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        zooKeeper = new ZooKeeper(connectString, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ZooKeeper client could not connect to " + connectString);
        }
        if (zooKeeper.exists(ROOT, false) == null) {
            zooKeeper.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    @Override
    public void acquireRelease(String name, boolean wait) throws Exception {
        if (wait) {
            throw new UnsupportedOperationException("the floor does not wait");
        }
        String parent = ROOT + "/" + name.replace(':', '_');
        if (parents.add(parent) && zooKeeper.exists(parent, false) == null) {
            zooKeeper.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        String node = zooKeeper.create(
                parent + "/lock-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        zooKeeper.getChildren(parent, false);
        zooKeeper.delete(node, -1);
    }

    @Override
    public void close() {
        try {
            zooKeeper.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
