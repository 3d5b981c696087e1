package io.dlock.zookeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/** A plain, unauthenticated ZooKeeper client for tests to look at the nodes the backend leaves. */
final class ZooKeeperTree implements AutoCloseable {

    private final CuratorFramework client;

    ZooKeeperTree(String connectString) {
        client = CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000, new RetryOneTime(200));
        client.start();
        try {
            if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot connect to " + connectString);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The children of {@code path}; empty when it does not exist. */
    List<String> children(String path) {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list " + path, e);
        }
    }

    /** The stat of {@code path}, or null. */
    Stat stat(String path) {
        try {
            return client.checkExists().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** The queue and holder nodes of lock {@code name} under {@code root}. */
    List<String> lockNodes(String root, String name) {
        return children(root + "/" + LockNames.encode(name));
    }

    /**
     * The children of {@code container} that are ephemeral to one of {@code sessions} and that
     * {@code legitimate} does not accept (it is given the node's creation zxid, the token of a
     * grant on it); nodes that vanish while read are skipped.
     */
    List<String> nodesIn(String container, Set<Long> sessions, LongPredicate legitimate) {
        List<String> found = new ArrayList<>();
        for (String node : children(container)) {
            Stat stat = stat(container + "/" + node);
            if (stat != null && sessions.contains(stat.getEphemeralOwner()) && !legitimate.test(stat.getCzxid())) {
                found.add(node);
            }
        }
        return found;
    }

    /** The client, for tests that create or delete nodes themselves. */
    CuratorFramework client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }
}
