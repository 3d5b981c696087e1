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

/**
 * One owner's try for a lock in simple mode: create the lock's single ephemeral holder node,
 * holding the owner id; if it exists, watch it (reading its owner, so that a node this owner
 * created with a lost reply is recognised as its own). Waiters race when it goes.
 *
 * <p>To keep excluding clients of the same lock in fair mode, a new holder node that finds
 * queue nodes beside it steps back (deletes itself) and waits for the first of them: both
 * sides write their node before reading the other's, so at most one of them holds. The token
 * is the holder node's creation zxid.
 *
 * <p>Each attempt is one logical try, as the SPI asks: when the holder node went during it
 * (released between the create and the read, or the queue it stepped back for emptied) it
 * returns a denial and signals a change, so that the engine attempts again at once.
 */
final class SimpleAcquisition implements Acquisition {

    private final ZooKeeperCalls calls;
    private final AcquisitionWatches watches;
    private final SessionGuard guard;
    private final LockPaths paths;
    private final LockRequest request;
    private final byte[] owner;
    private final Runnable onChange;
    private final Watcher watcher;
    private volatile boolean finished;
    private volatile boolean created;

    SimpleAcquisition(ZooKeeperCalls calls, AcquisitionWatches watches, SessionGuard guard, LockRequest request,
            Runnable onChange) {
        this.calls = calls;
        this.watches = watches;
        this.guard = guard;
        this.paths = LockPaths.of(request.name());
        this.request = request;
        this.owner = request.owner().getBytes(StandardCharsets.UTF_8);
        this.onChange = onChange;
        this.watcher = event -> {
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
        if (!created) {
            return CompletableFuture.completedFuture(null);
        }
        guard.forget(request.owner());
        // An attempt whose reply was lost may have created the holder node: delete it if it holds
        // this owner; if the servers cannot be reached now, the guard does once they can.
        AbandonedHolder leftover = new AbandonedHolder(paths, request.owner());
        return leftover.delete(calls, guard.currentSession()).handle((deleted, error) -> {
            if (error != null) {
                guard.deleteWhenConnected(leftover);
            }
            return null;
        });
    }

    private CompletionStage<Optional<Hold>> tryOnce() {
        created = true; // from here on a lost reply may leave a node of this owner behind
        return calls.createHolder(paths, owner).thenCompose(stat -> {
            if (stat.isPresent()) {
                return stepBackFromQueue(stat.get());
            }
            return watches.calls().data(paths.holder(), Optional.of(watcher)).thenCompose(holder -> {
                if (holder.isEmpty()) {
                    return againAtOnce(); // released between the create and the read: no watch was set
                }
                if (Arrays.equals(holder.get().data(), owner)) {
                    return recover(holder.get().stat()); // created by an attempt whose reply was lost
                }
                return CompletableFuture.completedFuture(Optional.<Hold>empty());
            });
        });
    }

    /**
     * Holds with the holder node an earlier attempt of this owner created without learning it, if
     * the node lives in the client's current session. A node created in an earlier session died
     * with it, or lingers until that session expires: a lease on it would be lost from the start,
     * so it is deleted and the engine attempts again at once, creating it anew.
     */
    private CompletionStage<Optional<Hold>> recover(Stat stat) {
        long session = guard.currentSession();
        if (stat.getEphemeralOwner() == session) {
            return stepBackFromQueue(stat);
        }
        if (session == 0) {
            return CompletableFuture.failedFuture(new BackendUnavailableException("lock '" + request.name()
                    + "' may be granted, but the ZooKeeper session is being re-established; try again"));
        }
        return calls.delete(paths.holder(), stat.getVersion(), false).thenCompose(deleted -> againAtOnce());
    }

    /** Holds with {@code stat} if no fair-mode waiter queued first; otherwise deletes it and waits for the queue. */
    private CompletionStage<Optional<Hold>> stepBackFromQueue(Stat stat) {
        return calls.children(paths.container()).thenCompose(children -> {
            QueueOrder order = QueueOrder.of(children);
            if (order.queue().isEmpty()) {
                finished = true;
                watches.removeAll();
                return CompletableFuture.completedFuture(Optional.of(new Hold(paths, request.owner(), LockPaths.HOLDER,
                        stat.getCzxid(), stat.getEphemeralOwner())));
            }
            String first = order.queue().get(0);
            return calls.delete(paths.holder(), stat.getVersion(), false)
                    .thenCompose(deleted -> watches.calls().exists(paths.child(first), Optional.of(watcher)))
                    .thenCompose(waiting -> waiting.isPresent()
                            ? CompletableFuture.completedFuture(Optional.<Hold>empty())
                            : againAtOnce());
        });
    }

    /** A denial after which the engine attempts again at once: the lock changed during this attempt. */
    private CompletionStage<Optional<Hold>> againAtOnce() {
        if (!finished) {
            onChange.run();
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }
}
