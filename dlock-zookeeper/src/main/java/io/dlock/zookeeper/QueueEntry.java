package io.dlock.zookeeper;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Adds an owner's node to a lock's fair queue and reads the queue, in one round trip where the
 * lock's container exists.
 *
 * <p>The requests are pipelined: the queue is read right after the create is sent, without
 * waiting for its reply. A server handles one session's requests in order, so that reading comes
 * after the create and includes the new node. Where the container is missing (a lock not used
 * lately: the servers reap empty containers), the container, the node and the reading go in a
 * second round trip, again pipelined; if the container is still missing then (the root was
 * reaped too, or the container again), Curator creates the parents before the node.
 */
final class QueueEntry {

    private final ZooKeeperCalls calls;
    private final LockPaths paths;
    private final String protectionId;
    private final byte[] owner;
    private final Consumer<ZooKeeperCalls.Created> onCreated;

    private QueueEntry(
            ZooKeeperCalls calls,
            LockPaths paths,
            String protectionId,
            byte[] owner,
            Consumer<ZooKeeperCalls.Created> onCreated) {
        this.calls = calls;
        this.paths = paths;
        this.protectionId = protectionId;
        this.owner = owner;
        this.onCreated = onCreated;
    }

    /**
     * Adds a queue node named after {@code protectionId}, holding {@code owner}, to the lock of
     * {@code paths} and reads the queue.
     *
     * @param onCreated told of the node as soon as it is created, before the returned stage
     *     completes, also when the reading then fails
     * @return a stage with a reading of the queue; it lacks the new node when it was taken before
     *     the node was created (Curator held both calls back, or created the parents first), and
     *     must then be read again
     */
    static CompletionStage<QueueOrder> enter(
            ZooKeeperCalls calls,
            LockPaths paths,
            String protectionId,
            byte[] owner,
            Consumer<ZooKeeperCalls.Created> onCreated) {
        return new QueueEntry(calls, paths, protectionId, owner, onCreated).intoExistingContainer();
    }

    private CompletionStage<QueueOrder> intoExistingContainer() {
        CompletionStage<Optional<ZooKeeperCalls.Created>> created = calls.createQueueNode(paths, protectionId, owner);
        return read(created)
                .thenCompose(reading ->
                        reading.created() ? CompletableFuture.completedFuture(reading.order()) : withNewContainer());
    }

    private CompletionStage<QueueOrder> withNewContainer() {
        CompletionStage<Void> container = calls.createContainer(paths.container());
        CompletionStage<Optional<ZooKeeperCalls.Created>> created = calls.createQueueNode(paths, protectionId, owner);
        return read(created)
                .thenCompose(reading -> reading.created()
                        ? CompletableFuture.completedFuture(reading.order())
                        : container.thenCompose(made -> withParentsFirst()));
    }

    private CompletionStage<QueueOrder> withParentsFirst() {
        return read(calls.createQueueNodeAndContainer(paths, protectionId, owner)
                        .thenApply(Optional::of))
                .thenApply(Reading::order);
    }

    /** Reads the queue right after {@code created} was sent; the reading is complete once both are. */
    private CompletionStage<Reading> read(CompletionStage<Optional<ZooKeeperCalls.Created>> created) {
        CompletionStage<Optional<ZooKeeperCalls.Created>> told = created.thenApply(node -> {
            node.ifPresent(onCreated);
            return node;
        });
        CompletionStage<List<String>> children = calls.children(paths.container());
        return told.thenCombine(children, (node, queue) -> new Reading(node.isPresent(), QueueOrder.of(queue)));
    }

    /** The outcome of one pipelined round trip: whether the node was created, and the queue read after it. */
    private record Reading(boolean created, QueueOrder order) {}
}
