package io.dlock.zookeeper;

import io.dlock.spi.LeaseLossSink;
import io.dlock.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the promise that a lock is never believed held after its session may have expired: it
 * tracks the locks this client holds and, on the connection events Curator reports, tells the
 * engine which are lost, by the configured {@link SuspendPolicy}.
 *
 * <p>Whatever the connection says, a lock is also reported lost when the leader's confirmation of
 * its session runs out ({@link LeaderConfirmation}): the client's server may answer on its own
 * while cut off from the leader, which expires the session. A grant is refused while the session
 * is unconfirmed.
 *
 * <p>A lock reported lost while its session is still alive (a suspension that ended) keeps its
 * node until the connection is back; the node is then deleted, so a lock nobody believes held
 * never blocks the queue. So are the nodes of failed releases and abandoned attempts
 * ({@link Leftover}s) handed over by {@link #deleteWhenConnected(Leftover)}. Thread-safe; never
 * blocks.
 */
final class SessionGuard implements ConnectionStateListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionGuard.class);

    private final CuratorFramework client;
    private final CurrentHandle handle;
    private final ZooKeeperCalls calls;
    private final SuspendPolicy policy;
    private final LeaseLossSink sink;
    private final Scheduler timer;
    private final LeaderConfirmation confirmation;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Hold> holds = new HashMap<>();
    private final List<Leftover> leftovers = new ArrayList<>();
    private long lossEpoch;
    private boolean connected;
    private Duration sessionTimeout;
    private Scheduler.Cancellable grace;

    SessionGuard(CuratorFramework client, CurrentHandle handle, ZooKeeperCalls calls, SuspendPolicy policy,
            LeaseLossSink sink, Duration sessionTimeout, Scheduler timer, LeaderConfirmation confirmation) {
        this.client = client;
        this.handle = handle;
        this.calls = calls;
        this.policy = policy;
        this.sink = sink;
        this.sessionTimeout = sessionTimeout;
        this.timer = timer;
        this.confirmation = confirmation;
    }

    /**
     * Starts tracking a grant before the engine learns of it.
     *
     * @return the loss epoch to pass to {@link #confirm(Hold, long)} once the engine knows the lease
     */
    long register(Hold hold) {
        lock.lock();
        try {
            holds.put(hold.owner(), hold);
            return lossEpoch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reports {@code hold} lost if a loss was declared since {@link #register(Hold)} (that report
     * came before the engine knew the lease and was ignored), or if the connection is down now
     * and no later event will report it. Connection events reach this guard later than replies
     * reach the acquisitions, so the client's own current state is read too.
     */
    void confirm(Hold hold, long epochAtRegister) {
        boolean handleConnected = client.getZookeeperClient().isConnected();
        boolean lost;
        lock.lock();
        try {
            lost = holds.get(hold.owner()) == hold
                    && (lossEpoch != epochAtRegister
                            || (!handleConnected && !connected && grace == null)
                            || (handleConnected && currentSession() != hold.sessionId()));
            if (lost) {
                holds.remove(hold.owner());
                leftovers.add(hold);
            }
        } finally {
            lock.unlock();
        }
        if (lost) {
            String reason = "the ZooKeeper connection was interrupted while the lock was being granted";
            sink.lost(hold.paths().name(), hold.owner(), reason); // the engine keeps it for a grant on its way
            deleteLeftovers();
        }
    }

    /**
     * Whether {@code hold} may be granted: the leader's confirmation of its session has not run
     * out. A hold registered and then refused is to be {@link #forget forgotten}.
     */
    boolean leaderVouchesFor(Hold hold) {
        return confirmation.vouchesFor(hold.sessionId());
    }

    /** Stops tracking the lock of {@code owner}, for its release; empty when it is not held (any more). */
    Optional<Hold> forget(String owner) {
        lock.lock();
        try {
            return Optional.ofNullable(holds.remove(owner));
        } finally {
            lock.unlock();
        }
    }

    /** The hold of {@code owner}, while it is held. */
    Optional<Hold> held(String owner) {
        lock.lock();
        try {
            return Optional.ofNullable(holds.get(owner));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes over a node whose deletion failed (a release, an abandoned attempt): it is deleted
     * now if the connection is up, else once it is back, so that it does not block the lock for
     * the session's life.
     */
    void deleteWhenConnected(Leftover leftover) {
        lock.lock();
        try {
            leftovers.add(leftover);
        } finally {
            lock.unlock();
        }
        deleteLeftovers();
    }

    /**
     * The id of the client's current session, read from its ZooKeeper handle (connection events
     * may not have arrived yet); 0 while it has none.
     */
    long currentSession() {
        return handle.sessionId();
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
        confirmation.start(this::leaderSilent);
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
            case LOST -> loseAll("the ZooKeeper session was lost (expired, or the connection stayed down"
                    + " for the whole session timeout)", false);
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

    private void reconnected() {
        long session = handle.sessionId();
        List<Hold> expired = new ArrayList<>();
        lock.lock();
        try {
            for (Hold hold : holds.values()) {
                if (hold.sessionId() != session) {
                    expired.add(hold); // its node ended with its session, or ends when the servers expire it
                }
            }
            if (!expired.isEmpty()) {
                lossEpoch++;
                expired.forEach(hold -> holds.remove(hold.owner()));
            }
            sessionTimeout = handle.sessionTimeout().orElse(sessionTimeout);
            connected = true;
            if (grace != null) {
                grace.cancel();
                grace = null;
            }
        } finally {
            lock.unlock();
        }
        for (Hold hold : expired) {
            sink.lost(hold.paths().name(), hold.owner(), "the ZooKeeper session 0x" + Long.toHexString(hold.sessionId())
                    + " that held the lock ended (it expired, or the client replaced it); the client is now on"
                    + " session 0x" + Long.toHexString(session));
        }
        deleteLeftovers();
    }

    /**
     * Reports every held lock lost because the leader's confirmation of the session ran out; the
     * session may live on, so their nodes are deleted (now, while the connection is up, else once
     * it is back).
     */
    private void leaderSilent(String reason) {
        List<Hold> lost;
        lock.lock();
        try {
            lossEpoch++;
            lost = new ArrayList<>(holds.values());
            holds.clear();
            leftovers.addAll(lost);
        } finally {
            lock.unlock();
        }
        report(lost, reason);
        deleteLeftovers();
    }

    private void suspended() {
        if (policy == SuspendPolicy.LOSE) {
            loseAll("the connection to ZooKeeper was suspended; the session may expire before it is back", true);
            return;
        }
        lock.lock();
        try {
            connected = false;
            if (grace == null) {
                Duration window = sessionTimeout.dividedBy(4);
                grace = timer.schedule(this::graceEnded, window);
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
        loseAll("the connection to ZooKeeper stayed suspended for a quarter of the session timeout; the session"
                + " may expire before it is back", true);
    }

    /**
     * Reports every held lock lost.
     *
     * @param sessionMayLive true when the nodes may still exist, to be deleted once reconnected
     */
    private void loseAll(String reason, boolean sessionMayLive) {
        List<Hold> lost;
        lock.lock();
        try {
            connected = false;
            lossEpoch++;
            if (grace != null) {
                grace.cancel();
                grace = null;
            }
            lost = new ArrayList<>(holds.values());
            holds.clear();
            if (sessionMayLive) {
                leftovers.addAll(lost);
            }
        } finally {
            lock.unlock();
        }
        report(lost, reason);
    }

    private void report(List<Hold> lost, String reason) {
        for (Hold hold : lost) {
            sink.lost(hold.paths().name(), hold.owner(), reason);
        }
    }

    /** Deletes, while connected, the leftover nodes; those it cannot delete now wait for the next connection. */
    private void deleteLeftovers() {
        List<Leftover> toDelete;
        lock.lock();
        try {
            if (!connected || leftovers.isEmpty()) {
                return;
            }
            toDelete = new ArrayList<>(leftovers);
            leftovers.clear();
        } finally {
            lock.unlock();
        }
        long session = currentSession();
        for (Leftover leftover : toDelete) {
            leftover.delete(calls, session).whenComplete((deleted, error) -> {
                if (error != null) {
                    lock.lock();
                    try {
                        leftovers.add(leftover);
                    } finally {
                        lock.unlock();
                    }
                    log.warn("could not delete the node of lock '{}' that nobody holds yet; retrying after the next"
                            + " reconnection: {}", leftover.lockName(), error.getMessage());
                }
            });
        }
    }
}
