package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * One owner's place in a lock's fair queue: the ZooKeeper lock recipe
 * (https://zookeeper.apache.org/doc/current/recipes.html#sc_recipes_Locks), written out so that
 * it returns fencing tokens and reports loss precisely.
 *
 * <p>The first attempt adds an ephemeral-sequential node holding the owner id, named after a
 * protection id of this acquisition's, and reads the queue in the same round trip
 * ({@link QueueEntry}); later attempts read the queue again.
 * The lowest node holds the lock. A denied owner's watch is on its immediate predecessor only,
 * so a release wakes exactly one waiter; the watch covers the denied attempt when that
 * predecessor is still there. A waiter right behind the first node holds as soon as that node is
 * gone (no node can join ahead of it); one further back reads the queue again when its
 * predecessor goes, since that may have been a waiter giving up. The token is the holding node's
 * creation zxid. Releasing deletes the node. A create whose reply was lost fails the attempt
 * (Curator does not retry it); the next attempt, or the release, looks for the node by its
 * protection id and takes it over, or deletes it (the pattern of Curator's protected mode, with
 * the retries left to the engine).
 *
 * <p>An attempt whose own node is gone (its session expired while it waited) answers
 * {@link AttemptResult.Retry}: the next attempt adds the node anew, at the back of the queue.
 */
final class FairAcquisition implements Acquisition {

    private final ZooKeeperCalls calls;
    private final AcquisitionWatches watches;
    private final SessionGuard guard;
    private final LockPaths paths;
    private final LockRequest request;
    private final Watcher watcher;
    private final String protectionId = "_c_" + UUID.randomUUID() + "-";
    private volatile boolean finished;
    private volatile boolean createSent;
    private volatile @Nullable String node;
    private volatile @Nullable Stat nodeStat;
    private volatile @Nullable String blocker;
    private volatile boolean blockerIsHead;
    private volatile boolean headGone;
    private volatile @Nullable Hold hold;

    FairAcquisition(
            ZooKeeperCalls calls,
            AcquisitionWatches watches,
            SessionGuard guard,
            LockRequest request,
            Runnable onChange) {
        this.calls = calls;
        this.watches = watches;
        this.guard = guard;
        this.paths = LockPaths.of(request.name());
        this.request = request;
        this.watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted
                    && blockerIsHead
                    && event.getPath().equals(blocker)) {
                headGone = true;
            }
            if (!finished) {
                onChange.run();
            }
        };
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        String mine = node;
        if (mine != null) {
            return headGone ? grant(mine) : readQueue(true);
        }
        if (createSent) {
            // An earlier create's reply was lost: its node, if made, is this acquisition's.
            return calls.children(paths.container()).thenCompose(children -> {
                Optional<String> made = ours(children);
                if (made.isEmpty()) {
                    return enterQueue();
                }
                node = made.get();
                return decide(QueueOrder.of(children), false);
            });
        }
        return enterQueue();
    }

    private CompletionStage<AttemptResult> enterQueue() {
        createSent = true;
        return QueueEntry.enter(
                        calls, paths, protectionId, request.owner().getBytes(StandardCharsets.UTF_8), created -> {
                            node = created.node();
                            nodeStat = created.stat().orElse(null);
                        })
                .thenCompose(order -> {
                    String mine = node;
                    return mine != null && order.contains(mine) ? decide(order, false) : readQueue(false);
                });
    }

    /** The node among {@code children} that a create of this acquisition made, if any. */
    private Optional<String> ours(List<String> children) {
        return children.stream().filter(child -> child.startsWith(protectionId)).findFirst();
    }

    /** Reads the queue and decides, as {@link #decide} does. */
    private CompletionStage<AttemptResult> readQueue(boolean mayRecreate) {
        return calls.children(paths.container()).thenCompose(children -> decide(QueueOrder.of(children), mayRecreate));
    }

    /**
     * Watches the node ahead of this owner's; the watch covers the denied attempt when that node
     * is still there. A head found gone means this owner holds (the next attempt grants without
     * reading the queue).
     */
    @Override
    public CompletionStage<Boolean> watch() {
        String watched = blocker;
        if (watched == null) {
            return CompletableFuture.completedFuture(false);
        }
        return watches.calls().exists(watched, Optional.of(watcher)).thenApply(stat -> {
            if (stat.isEmpty() && blockerIsHead) {
                headGone = true;
            }
            return stat.isPresent();
        });
    }

    /**
     * Deletes this owner's node: the held lock's, only if it still holds in the current session;
     * a queue node by path, or by its protection id when its creation's reply was lost. A delete
     * that fails fails the release, which the engine retries.
     */
    @Override
    public CompletionStage<Boolean> release() {
        finished = true;
        watches.removeAll();
        Hold held = hold;
        if (held != null) {
            guard.forget(held);
            return NodeRemoval.deleteIfStillHeld(calls, held, guard.currentSession());
        }
        String mine = node;
        if (mine != null) {
            return calls.delete(paths.child(mine), -1, false).thenApply(deleted -> false);
        }
        if (!createSent) {
            return CompletableFuture.completedFuture(false);
        }
        // A create whose reply was lost may have made a node: find it by the protection id.
        return calls.children(paths.container())
                .thenCompose(children -> ours(children)
                        .map(made -> calls.delete(paths.child(made), -1, false))
                        .orElseGet(() -> CompletableFuture.completedFuture(false)))
                .thenApply(deleted -> false);
    }

    /**
     * Grants, or denies naming the node to watch, by a reading of the queue taken after this
     * owner's node was created.
     *
     * @param mayRecreate true when a node found missing (its session expired while it waited) is
     *     to be added again, at the back of the queue
     */
    private CompletionStage<AttemptResult> decide(QueueOrder order, boolean mayRecreate) {
        String mine = node;
        if (mine == null || !order.contains(mine)) {
            return recreate(mayRecreate);
        }
        Optional<String> ahead = order.blockerOf(mine);
        if (ahead.isEmpty()) {
            return grant(mine);
        }
        // The reading came after this node's creation, so no node can join ahead of it: once a
        // head that this node comes right after is gone, this node holds, with no need to read again.
        blockerIsHead = order.isHead(ahead.get());
        blocker = paths.child(ahead.get());
        return CompletableFuture.completedFuture(AttemptResult.Denied.untilNotified());
    }

    /**
     * Grants with this owner's node, if it is still there in the client's current session: a
     * node whose creation was seen in an earlier session died with it, or lingers until that
     * session expires, and a lease on it would be dead from the start.
     */
    private CompletionStage<AttemptResult> grant(String mine) {
        Stat known = nodeStat;
        CompletionStage<Optional<Stat>> stat = known != null
                ? CompletableFuture.completedFuture(Optional.of(known))
                : calls.exists(paths.child(mine), Optional.empty());
        return stat.thenCompose(found -> {
            if (found.isEmpty()) {
                return recreate(true);
            }
            long session = guard.currentSession();
            long owner = found.get().getEphemeralOwner();
            if (owner != session) {
                if (session == 0) {
                    return CompletableFuture.failedFuture(new BackendUnavailableException("lock '" + request.name()
                            + "' may be granted, but the ZooKeeper session is being re-established; try again"));
                }
                calls.delete(
                        paths.child(mine), -1, true); // if it lingers in the old session, it must not block the queue
                return recreate(true);
            }
            Hold granted = new Hold(paths, request.owner(), mine, found.get().getCzxid(), owner);
            CompletionStage<String> lost = guard.track(granted); // refuses while the leader is silent
            hold = granted;
            finished = true;
            watches.removeAll();
            return CompletableFuture.completedFuture(new AttemptResult.Granted(granted.token(), lost));
        });
    }

    /** Forgets this owner's node, gone with an expired session, so that the next attempt adds a new one. */
    private CompletionStage<AttemptResult> recreate(boolean mayRecreate) {
        node = null;
        createSent = false;
        nodeStat = null;
        blocker = null;
        headGone = false;
        if (!mayRecreate) {
            return CompletableFuture.failedFuture(new BackendUnavailableException("the queue node of lock '"
                    + request.name() + "' vanished right after its creation: the ZooKeeper session expired"));
        }
        return CompletableFuture.completedFuture(new AttemptResult.Retry());
    }
}
