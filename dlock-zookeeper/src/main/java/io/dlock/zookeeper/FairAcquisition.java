package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * One owner's place in a lock's fair queue: the ZooKeeper lock recipe
 * (https://zookeeper.apache.org/doc/current/recipes.html#sc_recipes_Locks), written out so that
 * it returns fencing tokens and reports loss precisely.
 *
 * <p>The first attempt adds a protected ephemeral-sequential node holding the owner id and reads
 * the queue in the same round trip ({@link QueueEntry}); later attempts read the queue again.
 * The lowest node holds the lock, and a denied owner sets a watch on its immediate predecessor
 * only, so a release wakes exactly one waiter. A waiter right behind the first node holds as soon
 * as that node is gone (no node can join ahead of it); one further back reads the queue again
 * when its predecessor goes, since that may have been a waiter giving up. The token is the
 * holding node's creation zxid. Abandoning deletes the node. A create whose reply was lost
 * fails the attempt (Curator does not retry it); Curator's protection then finds the node by its
 * protection id and deletes it in the background, retrying until it can, and the engine's next
 * attempt adds a new node.
 *
 * <p>Each attempt is one logical try, as the SPI asks: when the queue changed under it (the node
 * it was to watch is gone, or its own node died with an expired session) it returns a denial and
 * signals a change, so that the engine attempts again at once; it never loops on its own.
 */
final class FairAcquisition implements Acquisition {

    private final ZooKeeperCalls calls;
    private final AcquisitionWatches watches;
    private final SessionGuard guard;
    private final LockPaths paths;
    private final LockRequest request;
    private final Runnable onChange;
    private final Watcher watcher;
    private volatile boolean finished;
    private volatile String node;
    private volatile Stat nodeStat;
    private volatile String watchedHead;
    private volatile boolean headGone;

    FairAcquisition(ZooKeeperCalls calls, AcquisitionWatches watches, SessionGuard guard, LockRequest request,
            Runnable onChange) {
        this.calls = calls;
        this.watches = watches;
        this.guard = guard;
        this.paths = LockPaths.of(request.name());
        this.request = request;
        this.onChange = onChange;
        this.watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted && event.getPath().equals(watchedHead)) {
                headGone = true;
            }
            if (!finished) {
                onChange.run();
            }
        };
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        return Grants.deliver(tryOnce(), guard);
    }

    @Override
    public CompletionStage<Void> abandon() {
        finished = true;
        watches.removeAll();
        String mine = node;
        if (mine == null) {
            return CompletableFuture.completedFuture(null);
        }
        guard.forget(request.owner());
        return calls.delete(paths.child(mine), -1, true).thenApply(deleted -> (Void) null);
    }

    private CompletionStage<Optional<Hold>> tryOnce() {
        String mine = node;
        if (mine != null) {
            return headGone ? grant(mine, true) : check(true);
        }
        return QueueEntry.enter(calls, paths, request.owner().getBytes(StandardCharsets.UTF_8), created -> {
            node = created.node();
            nodeStat = created.stat().orElse(null);
        }).thenCompose(order -> order.contains(node) ? decide(order, false) : check(false));
    }

    /**
     * Reads the queue; grants, or watches the blocker.
     *
     * @param mayRecreate true when a node found missing (its session expired while it waited) is
     *     to be added again, at the back of the queue
     */
    private CompletionStage<Optional<Hold>> check(boolean mayRecreate) {
        return calls.children(paths.container()).thenCompose(children -> decide(QueueOrder.of(children), mayRecreate));
    }

    /** Grants, or watches the blocker, by a reading of the queue taken after this owner's node was created. */
    private CompletionStage<Optional<Hold>> decide(QueueOrder order, boolean mayRecreate) {
        String mine = node;
        if (!order.contains(mine)) {
            return recreate(mayRecreate);
        }
        Optional<String> blocker = order.blockerOf(mine);
        if (blocker.isEmpty()) {
            return grant(mine, mayRecreate);
        }
        // The reading came after this node's creation, so no node can join ahead of it: once a
        // head that this node comes right after is gone, this node holds, with no need to read again.
        boolean head = order.isHead(blocker.get());
        String blockerPath = paths.child(blocker.get());
        watchedHead = head ? blockerPath : null;
        return watches.calls().exists(blockerPath, Optional.of(watcher)).thenCompose(stat -> {
            if (stat.isPresent()) {
                return CompletableFuture.completedFuture(Optional.<Hold>empty());
            }
            return head ? grant(mine, mayRecreate) : againAtOnce(); // a waiter ahead gave up: read the queue again
        });
    }

    /**
     * Grants with this owner's node, if it is still there in the client's current session: a
     * node whose creation was seen in an earlier session died with it, or lingers until that
     * session expires, and a lease on it would be dead from the start.
     */
    private CompletionStage<Optional<Hold>> grant(String mine, boolean mayRecreate) {
        Stat known = nodeStat;
        CompletionStage<Optional<Stat>> stat = known != null
                ? CompletableFuture.completedFuture(Optional.of(known))
                : calls.exists(paths.child(mine), Optional.empty());
        return stat.thenCompose(found -> {
            if (found.isEmpty()) {
                return recreate(mayRecreate);
            }
            long session = guard.currentSession();
            long owner = found.get().getEphemeralOwner();
            if (owner != session) {
                if (session == 0) {
                    return CompletableFuture.failedFuture(new BackendUnavailableException("lock '" + request.name()
                            + "' may be granted, but the ZooKeeper session is being re-established; try again"));
                }
                calls.delete(paths.child(mine), -1, true); // if it lingers in the old session, it must not block the queue
                return recreate(mayRecreate);
            }
            finished = true;
            watches.removeAll();
            return CompletableFuture.completedFuture(Optional.of(new Hold(paths, request.owner(), mine,
                    found.get().getCzxid(), owner)));
        });
    }

    /** Forgets this owner's node, gone with an expired session, so that the next attempt adds a new one. */
    private CompletionStage<Optional<Hold>> recreate(boolean mayRecreate) {
        node = null;
        nodeStat = null;
        watchedHead = null;
        headGone = false;
        if (!mayRecreate) {
            return CompletableFuture.failedFuture(new BackendUnavailableException("the queue node of lock '"
                    + request.name() + "' vanished right after its creation: the ZooKeeper session expired"));
        }
        return againAtOnce();
    }

    /** A denial after which the engine attempts again at once: the queue changed during this attempt. */
    private CompletionStage<Optional<Hold>> againAtOnce() {
        if (!finished) {
            onChange.run();
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }
}
