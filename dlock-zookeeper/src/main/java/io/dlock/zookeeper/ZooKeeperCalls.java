package io.dlock.zookeeper;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The ZooKeeper round trips of the lock recipe, each one asynchronous Curator call whose result
 * code becomes a value or a dlock exception ({@link ZooKeeperFailures}). Nothing here blocks:
 * the stages complete on ZooKeeper's event thread or Curator's background thread.
 *
 * <p>Calls that create missing parents create them as containers, so the servers delete a lock's
 * node once its last queue node is gone.
 */
final class ZooKeeperCalls {

    private final CuratorFramework client;
    private final ZooKeeperEndpoint endpoint;

    ZooKeeperCalls(CuratorFramework client, ZooKeeperEndpoint endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    /** A node this client created: its name within its parent, and its stat when the reply carried one. */
    record Created(String node, Optional<Stat> stat) {}

    /** A node's content and stat; a class, not a record, because a record would compare its array by reference. */
    static final class NodeData {
        private final byte[] data;
        private final Stat stat;

        NodeData(byte[] data, Stat stat) {
            this.data = data;
            this.stat = stat;
        }

        byte[] data() {
            return data;
        }

        Stat stat() {
            return stat;
        }
    }

    /**
     * Adds an ephemeral-sequential queue node holding {@code data}, named after
     * {@code protectionId}, to the lock's container; empty when the container does not exist.
     * Curator does not retry (the client's retry policy is off), so a create whose reply is lost
     * fails the stage; the node, if it was made, is found later by its protection id
     * ({@link FairAcquisition}). Curator's own protection is not used: with retries off, its
     * background search for such a node repeats without pause while the connection is down.
     */
    CompletionStage<Optional<Created>> createQueueNode(LockPaths paths, String protectionId, byte[] data) {
        return call(
                callback -> client.create()
                        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                        .inBackground(callback)
                        .forPath(paths.queueNodePrefix(protectionId), data),
                event -> {
                    if (code(event) == KeeperException.Code.NONODE) {
                        return Optional.empty();
                    }
                    return Optional.of(created(event, paths));
                });
    }

    /**
     * Adds a queue node as {@link #createQueueNode} does, creating the container and its
     * parents first when they are missing.
     */
    CompletionStage<Created> createQueueNodeAndContainer(LockPaths paths, String protectionId, byte[] data) {
        return call(
                callback -> client.create()
                        .creatingParentContainersIfNeeded()
                        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                        .inBackground(callback)
                        .forPath(paths.queueNodePrefix(protectionId), data),
                event -> created(event, paths));
    }

    /** Creates the container node {@code path}, and its parents as containers, unless it exists. */
    CompletionStage<Void> createContainer(String path) {
        return call(
                callback -> client.create()
                        .creatingParentContainersIfNeeded()
                        .withMode(CreateMode.CONTAINER)
                        .inBackground(callback)
                        .forPath(path),
                event -> {
                    if (code(event) != KeeperException.Code.NODEEXISTS) {
                        require(event, path);
                    }
                    return null;
                });
    }

    /** Creates the simple-mode ephemeral holder node; empty when it exists already. */
    CompletionStage<Optional<Stat>> createHolder(LockPaths paths, byte[] data) {
        return call(
                callback -> client.create()
                        .creatingParentContainersIfNeeded()
                        .withMode(CreateMode.EPHEMERAL)
                        .inBackground(callback)
                        .forPath(paths.holder(), data),
                event -> {
                    if (code(event) == KeeperException.Code.NODEEXISTS) {
                        return Optional.empty();
                    }
                    require(event, paths.holder());
                    return Optional.of(event.getStat() != null ? event.getStat() : new Stat());
                });
    }

    /** The children of {@code path}; empty when it does not exist. */
    CompletionStage<List<String>> children(String path) {
        return call(callback -> client.getChildren().inBackground(callback).forPath(path), event -> {
            if (code(event) == KeeperException.Code.NONODE) {
                return List.of();
            }
            require(event, path);
            return event.getChildren();
        });
    }

    /**
     * The stat of {@code path}, empty when it does not exist; when {@code watcher} is given it is
     * called once at the next change of the node (also its creation).
     */
    CompletionStage<Optional<Stat>> exists(String path, Optional<Watcher> watcher) {
        return call(
                callback -> (watcher.isPresent()
                                ? client.checkExists().usingWatcher(watcher.get())
                                : client.checkExists())
                        .inBackground(callback)
                        .forPath(path),
                event -> {
                    if (code(event) == KeeperException.Code.NONODE) {
                        return Optional.empty();
                    }
                    require(event, path);
                    return Optional.ofNullable(event.getStat());
                });
    }

    /**
     * The content and stat of {@code path}, empty when it does not exist; when {@code watcher} is
     * given and the node exists it is called once at the node's next change.
     */
    CompletionStage<Optional<NodeData>> data(String path, Optional<Watcher> watcher) {
        return call(
                callback -> (watcher.isPresent() ? client.getData().usingWatcher(watcher.get()) : client.getData())
                        .inBackground(callback)
                        .forPath(path),
                event -> {
                    if (code(event) == KeeperException.Code.NONODE) {
                        return Optional.empty();
                    }
                    require(event, path);
                    return Optional.of(
                            new NodeData(event.getData() == null ? new byte[0] : event.getData(), event.getStat()));
                });
    }

    /**
     * Deletes {@code path} if its version is {@code version}; true if it was deleted, false if it
     * was not there or had another version. For a node whose path is never reused (a protected
     * queue node), pass {@code guaranteed}: Curator then keeps deleting it in the background
     * after a failure until it is gone.
     */
    CompletionStage<Boolean> delete(String path, int version, boolean guaranteed) {
        return call(
                callback -> (guaranteed ? client.delete().guaranteed() : client.delete())
                        .withVersion(version)
                        .inBackground(callback)
                        .forPath(path),
                event -> {
                    KeeperException.Code code = code(event);
                    if (code == KeeperException.Code.NONODE || code == KeeperException.Code.BADVERSION) {
                        return false;
                    }
                    require(event, path);
                    return true;
                });
    }

    /**
     * ZooKeeper's {@code sync}: the client's server asks the leader to catch it up, and answers
     * once the leader's reply is back, so an answer shows that the two were in touch. The stage
     * completes with the result code: OK, or why not (connection loss, session expired, …);
     * exceptionally only when Curator would not send it (the client is closed).
     */
    CompletionStage<KeeperException.Code> sync() {
        return call(callback -> client.sync().inBackground(callback).forPath("/"), ZooKeeperCalls::code);
    }

    private Created created(CuratorEvent event, LockPaths paths) {
        require(event, paths.container());
        return new Created(ZKPaths.getNodeFromPath(event.getName()), Optional.ofNullable(event.getStat()));
    }

    private <T> CompletionStage<T> call(Starter starter, Reader<T> reader) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            starter.start((client, event) -> {
                try {
                    result.complete(reader.read(event));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (Exception e) {
            result.completeExceptionally(ZooKeeperFailures.of(e, endpoint));
        }
        return result;
    }

    private void require(CuratorEvent event, String path) {
        KeeperException.Code code = code(event);
        if (code != KeeperException.Code.OK) {
            throw ZooKeeperFailures.of(code, path, endpoint);
        }
    }

    private static KeeperException.Code code(CuratorEvent event) {
        return KeeperException.Code.get(event.getResultCode());
    }

    /** Starts one background call that reports to {@code callback}. */
    @FunctionalInterface
    private interface Starter {
        void start(BackgroundCallback callback) throws Exception;
    }

    /** Reads the result of a call from its event, or throws the dlock exception for its code. */
    @FunctionalInterface
    private interface Reader<T> {
        @Nullable
        T read(CuratorEvent event);
    }
}
