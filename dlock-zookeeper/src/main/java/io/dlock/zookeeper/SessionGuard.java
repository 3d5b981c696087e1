package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the promise that a lock is never believed held after its session may have expired: it
 * tracks the grants this client holds, each with its loss signal, and completes those signals on
 * the connection events Curator reports, by the configured {@link SuspendPolicy}.
 *
 * <p>Whatever the connection says, a grant is also lost when the leader's confirmation of its
 * session runs out ({@link LeaderConfirmation}): the client's server may answer on its own while
 * cut off from the leader, which expires the session. A grant is refused while the session is
 * unconfirmed.
 *
 * <p>A grant starts being tracked when its attempt succeeds ({@link #track}); if the session is
 * in doubt at that moment its signal is completed at once, so no loss falls between a grant and
 * its lease. The nodes of lost grants are released by the engine through their acquisitions.
 * Thread-safe; never blocks.
 */
final class SessionGuard implements ConnectionStateListener, AutoCloseable {

    private final CuratorFramework client;
    private final CurrentHandle handle;
    private final SuspendPolicy policy;
    private final Scheduler timer;
    private final LeaderConfirmation confirmation;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Hold, CompletableFuture<String>> holds = new HashMap<>();
    private boolean connected;
    private Duration sessionTimeout;
    private Scheduler.@Nullable Cancellable grace;

    SessionGuard(
            CuratorFramework client,
            CurrentHandle handle,
            SuspendPolicy policy,
            Duration sessionTimeout,
            Scheduler timer,
            LeaderConfirmation confirmation) {
        this.client = client;
        this.handle = handle;
        this.policy = policy;
        this.sessionTimeout = sessionTimeout;
        this.timer = timer;
        this.confirmation = confirmation;
    }

    /**
     * Starts tracking a grant and returns its loss signal: completed at once when the session is
     * in doubt now (the connection was lost and no grace runs, or the client is on another
     * session already), later when the guard finds it lost.
     *
     * @throws BackendUnavailableException when no sync through the leader has confirmed the
     *     hold's session lately (its server may be cut off from the leader): the grant is refused,
     *     and its node stays until the acquisition is released
     */
    CompletionStage<String> track(Hold hold) {
        if (!confirmation.vouchesFor(hold.sessionId())) {
            throw new BackendUnavailableException("lock '" + hold.lockName() + "' could be granted, but no sync"
                    + " through the ZooKeeper leader has confirmed session 0x" + Long.toHexString(hold.sessionId())
                    + " lately (its server may be cut off from the leader); try again");
        }
        // Connection events reach this guard later than replies reach the acquisitions, so the
        // handle's own current state is read too.
        boolean handleConnected = client.getZookeeperClient().isConnected();
        CompletableFuture<String> lost = new CompletableFuture<>();
        lock.lock();
        try {
            boolean inDoubt = (!handleConnected && !connected && grace == null)
                    || (handleConnected && handle.sessionId() != hold.sessionId());
            if (inDoubt) {
                lost.complete("the ZooKeeper connection was interrupted while the lock was being granted");
            } else {
                holds.put(hold, lost);
            }
        } finally {
            lock.unlock();
        }
        return lost;
    }

    /** Stops tracking {@code hold}, for its release. */
    void forget(Hold hold) {
        lock.lock();
        try {
            holds.remove(hold);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The id of the client's current session, read from its ZooKeeper handle (connection events
     * may not have arrived yet); 0 while it has none.
     */
    long currentSession() {
        return handle.sessionId();
    }

    /** Whether the client is connected and the leader's confirmation of its session has not run out. */
    boolean healthy() {
        long session = handle.sessionId();
        return client.getZookeeperClient().isConnected() && confirmation.vouchesFor(session);
    }

    /**
     * Records that the client connected at start, with the session timeout the servers granted,
     * and starts confirming the session with the leader.
     */
    void connected(Duration negotiatedTimeout) {
        lock.lock();
        try {
            sessionTimeout = negotiatedTimeout;
            connected = true;
        } finally {
            lock.unlock();
        }
        confirmation.start(this::loseAll);
    }

    /** The leader's confirmation of the session, for tests that count the session's requests. */
    LeaderConfirmation confirmation() {
        return confirmation;
    }

    @Override
    public void stateChanged(CuratorFramework changed, ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                reconnected();
                confirmation.connected();
            }
            case SUSPENDED, READ_ONLY -> suspended();
            case LOST ->
                disconnected("the ZooKeeper session was lost (expired, or the connection stayed down"
                        + " for the whole session timeout)");
        }
    }

    @Override
    public void close() {
        confirmation.close();
        lock.lock();
        try {
            if (grace != null) {
                grace.cancel();
                grace = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection is back. Grants of another session need no sweep here: Curator reports
     * LOST whenever the client's session changes (an expiry, a replaced handle), before this.
     */
    private void reconnected() {
        lock.lock();
        try {
            sessionTimeout = handle.sessionTimeout().orElse(sessionTimeout);
            connected = true;
            if (grace != null) {
                grace.cancel();
                grace = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private void suspended() {
        if (policy == SuspendPolicy.LOSE) {
            disconnected("the connection to ZooKeeper was suspended; the session may expire before it is back");
            return;
        }
        lock.lock();
        try {
            connected = false;
            if (grace == null) {
                grace = timer.schedule(this::graceEnded, sessionTimeout.dividedBy(4));
            }
        } finally {
            lock.unlock();
        }
    }

    private void graceEnded() {
        lock.lock();
        try {
            if (connected || grace == null) {
                return;
            }
            grace = null;
        } finally {
            lock.unlock();
        }
        disconnected("the connection to ZooKeeper stayed suspended for a quarter of the session timeout; the"
                + " session may expire before it is back");
    }

    /** The connection is gone for the guard's purpose: grants from now on are lost at once until it is back. */
    private void disconnected(String reason) {
        lock.lock();
        try {
            connected = false;
        } finally {
            lock.unlock();
        }
        loseAll(reason);
    }

    /**
     * Completes the loss signal of every tracked grant; the leader's silence (a lapse of its
     * confirmation) comes here directly, since the connection itself may be fine.
     */
    private void loseAll(String reason) {
        List<CompletableFuture<String>> lost;
        lock.lock();
        try {
            if (grace != null) {
                grace.cancel();
                grace = null;
            }
            lost = new ArrayList<>(holds.values());
            holds.clear();
        } finally {
            lock.unlock();
        }
        lost.forEach(signal -> signal.complete(reason));
    }
}
