package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * One owner's try for a lock in simple mode: create the lock's single ephemeral holder node,
 * holding the owner id; if it exists, read its owner, so that a node this owner created with a
 * lost reply is recognised as its own, and watch it once denied. Waiters race when it goes.
 *
 * <p>To keep excluding clients of the same lock in fair mode, a new holder node that finds
 * queue nodes beside it steps back (deletes itself) and waits for the first of them: both
 * sides write their node before reading the other's, so at most one of them holds. The token
 * is the holder node's creation zxid.
 *
 * <p>When the holder node went during an attempt (released between the create and the read),
 * or was this owner's from a past session and had to be deleted, the attempt answers
 * {@link AttemptResult.Retry}, and the engine tries again soon.
 */
final class SimpleAcquisition implements Acquisition {

    private final ZooKeeperCalls calls;
    private final AcquisitionWatches watches;
    private final SessionGuard guard;
    private final LockPaths paths;
    private final LockRequest request;
    private final byte[] owner;
    private final Watcher watcher;
    private volatile boolean finished;
    private volatile boolean created;
    private volatile @Nullable String blocker;
    private volatile @Nullable Hold hold;

    SimpleAcquisition(
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
        this.owner = request.owner().getBytes(StandardCharsets.UTF_8);
        this.watcher = event -> {
            if (!finished) {
                onChange.run();
            }
        };
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        created = true; // from here on a lost reply may leave a node of this owner behind
        return calls.createHolder(paths, owner).thenCompose(stat -> {
            if (stat.isPresent()) {
                return stepBackFromQueue(stat.get());
            }
            return calls.data(paths.holder(), Optional.empty()).thenCompose(holder -> {
                if (holder.isEmpty()) {
                    return retry(); // released between the create and the read
                }
                if (Arrays.equals(holder.get().data(), owner)) {
                    return recover(holder.get().stat()); // created by an attempt whose reply was lost
                }
                return denied(paths.holder());
            });
        });
    }

    /** Watches the holder node (or the queue node it stepped back for); covers the attempt while it is there. */
    @Override
    public CompletionStage<Boolean> watch() {
        String watched = blocker;
        if (watched == null) {
            return CompletableFuture.completedFuture(false);
        }
        return watches.calls().exists(watched, Optional.of(watcher)).thenApply(Optional::isPresent);
    }

    /**
     * Deletes the holder node if this owner holds it in the current session; otherwise, if an
     * attempt whose reply was lost may have created it, deletes it if it holds this owner's id.
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
        if (!created) {
            return CompletableFuture.completedFuture(false);
        }
        return NodeRemoval.deleteHolderOf(calls, paths, owner).thenApply(deleted -> false);
    }

    /**
     * Holds with the holder node an earlier attempt of this owner created without learning it, if
     * the node lives in the client's current session. A node created in an earlier session died
     * with it, or lingers until that session expires: a lease on it would be lost from the start,
     * so it is deleted and the engine tries again, creating it anew.
     */
    private CompletionStage<AttemptResult> recover(Stat stat) {
        long session = guard.currentSession();
        if (stat.getEphemeralOwner() == session) {
            return stepBackFromQueue(stat);
        }
        if (session == 0) {
            return CompletableFuture.failedFuture(new BackendUnavailableException("lock '" + request.name()
                    + "' may be granted, but the ZooKeeper session is being re-established; try again"));
        }
        return calls.delete(paths.holder(), stat.getVersion(), false).thenCompose(deleted -> retry());
    }

    /** Holds with {@code stat} if no fair-mode waiter queued first; otherwise deletes it and waits for the queue. */
    private CompletionStage<AttemptResult> stepBackFromQueue(Stat stat) {
        return calls.children(paths.container()).thenCompose(children -> {
            QueueOrder order = QueueOrder.of(children);
            if (order.queue().isEmpty()) {
                Hold granted =
                        new Hold(paths, request.owner(), LockPaths.HOLDER, stat.getCzxid(), stat.getEphemeralOwner());
                CompletionStage<String> lost = guard.track(granted); // refuses while the leader is silent
                hold = granted;
                finished = true;
                watches.removeAll();
                return CompletableFuture.completedFuture(new AttemptResult.Granted(granted.token(), lost));
            }
            String first = paths.child(order.queue().get(0));
            return calls.delete(paths.holder(), stat.getVersion(), false).thenCompose(deleted -> denied(first));
        });
    }

    private CompletionStage<AttemptResult> denied(String watchNext) {
        blocker = watchNext;
        return CompletableFuture.completedFuture(AttemptResult.Denied.untilNotified());
    }

    private static CompletionStage<AttemptResult> retry() {
        return CompletableFuture.completedFuture(new AttemptResult.Retry());
    }
}
