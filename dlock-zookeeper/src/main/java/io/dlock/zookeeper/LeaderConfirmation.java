package io.dlock.zookeeper;

import io.dlock.Scheduler;
import io.dlock.Ticker;
import io.dlock.spi.ClockDrift;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;

/**
 * Knows until when the ZooKeeper leader surely keeps this client's session, from syncs sent
 * through it, and says so when that time has passed: a lease may read valid only until then.
 *
 * <h2>Why the connection alone does not tell</h2>
 * Only the leader expires sessions, {@code T} (the session timeout) after it last heard of one,
 * rounded up to its next tick. A follower hears the client's requests and heartbeats and answers
 * them itself; it passes on which sessions it heard from in its replies to the leader's pings,
 * which the leader sends every half tick. A follower cut off from the leader goes on answering
 * its clients until it has missed the leader for {@code syncLimit × tickTime} (10 s at
 * ZooKeeper's sample settings), while the leader, hearing nothing of the session, expires it
 * after {@code T} and lets another client take the lock. The client's connection never falters.
 *
 * <h2>What a sync proves</h2>
 * A client's {@code sync} is answered by its server only after the leader answered that server.
 * Let sync A be sent at {@code a} and answered at {@code a'}, and sync B sent at {@code b} at
 * least {@code T/3} after {@code a'}; if B is answered, the leader heard of the session no
 * earlier than {@code a}:
 * <ol>
 *   <li>The client's server received A after {@code a} and noted the session as heard from
 *       before passing A on; a leader (or a standalone server) counts it there and then.</li>
 *   <li>If B went through the same follower, that follower received the leader's answer to A
 *       (before {@code a'}) and passed B on (after {@code b}) at least {@code T/3} apart, and
 *       received a ping from the leader in between: the leader pings each follower every half
 *       tick, and a tick is at most {@code T/2} since the servers grant no session shorter than
 *       two ticks (ZooKeeper's default {@code minSessionTimeout}), which leaves {@code T/12} for
 *       delays. A follower answers a ping at once with the sessions it heard from since its
 *       previous answer, so that answer, or an earlier one after A, carried the session. If B
 *       went over another connection, that connection was opened after A's was lost, so after
 *       {@code a'}, and opening a connection to an existing session has the leader count it as
 *       heard from before the connection is granted (revalidation).</li>
 *   <li>The leader reads a follower's messages in order: it read that ping answer before B, and
 *       answered B after reading it. So when B was answered the leader had counted the session
 *       as heard from after {@code a}, and cannot expire it before {@code a + T} by its own
 *       clock. (Unless it had expired the session before it read the ping answer, which then
 *       counted for nothing: but that was {@code T} after an earlier proof, so the confirmation
 *       before this one had run out, and its lapse is reported, below.)</li>
 * </ol>
 * A sync that failed for a lost connection shortens the rule: the next answered sync went over a
 * connection opened after the last answer {@code a'}, so the leader heard of the session after
 * {@code a'} itself. And a new session was created by the servers after its handle was made, so
 * that moment counts as heard of, until the first syncs take over.
 *
 * <h2>The rule</h2>
 * The client sends one sync every {@code T/6}, one at a time, whether or not it holds locks, and
 * keeps the answered ones. From the latest time {@code c} proven as above, every lease of the
 * session reads valid until {@code c + T - T/12 - drift} on the client's clock (drift: the
 * client's clock-drift allowance, for clocks running at different rates); the {@code T/12} is for
 * telling the holder (the timer's delay, the listeners) before anyone else can be granted the
 * lock, which takes the leader's expiry and a round trip more. When that time passes
 * {@code onLapse} is told, once, and every lease of the session is reported lost; new grants are
 * refused until syncs confirm the session again. Since each confirmation is checked against the
 * time before it lapsed, a confirmation that arrives after a lapse cannot revive a lease.
 *
 * <p>Each sync goes {@code T/6} after the previous answer, so the one sent {@code T/3} after an
 * answer proves it: in steady state {@code c} lags the newest answer by {@code T/3} plus three
 * round trips, and a lease survives {@code 7T/12} less three round trips (and the drift
 * allowance) without an answered sync; round trips must stay under about {@code T/10}, or leases
 * run out although nothing failed. Cut off behind a follower, the holder is told {@code 5T/12}
 * to {@code 7T/12} after the cut, and the leader expires the session no sooner than {@code T}
 * after it. The cost: one sync per client every {@code T/6} (0.6 per second at the default
 * 10 s), which the client's server passes to the leader; the client's own heartbeat, which its
 * server answers alone, goes only after {@code T/3} without a request, so the syncs replace it.
 *
 * <p>Thread-safe; never blocks: syncs are asynchronous, checks run on the client's timer.
 */
final class LeaderConfirmation implements AutoCloseable {

    private final ZooKeeperCalls calls;
    private final CurrentHandle handle;
    private final Ticker ticker;
    private final Scheduler timer;
    private final ClockDrift drift;
    private final ReentrantLock lock = new ReentrantLock();
    /** Answered syncs of {@link #session} not yet used as proof, oldest first. */
    private final Deque<Answered> unused = new ArrayDeque<>();

    private Duration sessionTimeout;
    private Consumer<String> onLapse = reason -> {};
    private boolean started;
    private boolean closed;
    private boolean inFlight;
    /** Counts the syncs sent; the answer to one sent for an earlier session than the current one is ignored. */
    private long syncs;

    private long sessionSyncsFrom;
    /** The session the confirmation is about; 0 before one is known. */
    private long session;
    /** The leader heard of {@link #session} no earlier than this, on the ticker. */
    private long confirmed;
    /** When the newest answer of {@link #session} came; only if {@link #anyAnswer}. */
    private long lastAnswer;

    private boolean anyAnswer;
    /** Whether a sync was lost with its connection after {@link #lastAnswer}, which the next connection then proves. */
    private boolean reconnected;

    private long reconnectedAfter;
    /** Whether the lapse of the current confirmation was reported. */
    private boolean lapseReported;

    private Scheduler.@Nullable Cancellable nextSync;
    private Scheduler.@Nullable Cancellable lapseCheck;

    /** A sync that was answered: when it was sent and when its answer came, on the ticker. */
    private record Answered(long sent, long answered) {}

    LeaderConfirmation(
            ZooKeeperCalls calls,
            CurrentHandle handle,
            Duration sessionTimeout,
            Ticker ticker,
            Scheduler timer,
            ClockDrift drift) {
        this.calls = calls;
        this.handle = handle;
        this.sessionTimeout = sessionTimeout;
        this.ticker = ticker;
        this.timer = timer;
        this.drift = drift;
    }

    /**
     * Starts syncing (the client is connected); {@code onLapse} is told, with a reason, each time
     * the confirmation of the current session runs out.
     */
    void start(Consumer<String> lapseListener) {
        lock.lock();
        try {
            onLapse = lapseListener;
            started = true;
            adoptCurrentSession();
        } finally {
            lock.unlock();
        }
        sync();
    }

    /** The connection is up again: syncs at once rather than at the next turn, to confirm the session soon. */
    void connected() {
        sync();
    }

    /**
     * Whether the leader surely keeps session {@code sessionId} for now: it is the client's
     * current session and its confirmation has not run out.
     */
    boolean vouchesFor(long sessionId) {
        lock.lock();
        try {
            adoptCurrentSession();
            return sessionId != 0 && sessionId == session && ticker.nanos() - validUntil() < 0;
        } finally {
            lock.unlock();
        }
    }

    /** How many syncs this client has sent, for tests that count its requests at a server. */
    long syncsSent() {
        lock.lock();
        try {
            return syncs;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a sync is waiting for its answer (and so may not have reached the server yet), for the same tests. */
    boolean syncing() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            nextSync = cancel(nextSync);
            lapseCheck = cancel(lapseCheck);
        } finally {
            lock.unlock();
        }
    }

    private void sync() {
        long number;
        long sent;
        long sentIn;
        lock.lock();
        try {
            if (!started || closed) {
                return;
            }
            adoptCurrentSession();
            if (inFlight) {
                return;
            }
            inFlight = true;
            nextSync = cancel(nextSync);
            number = ++syncs;
            sentIn = handle.sessionId();
            sent = ticker.nanos();
        } finally {
            lock.unlock();
        }
        calls.sync()
                .whenComplete((code, error) ->
                        answered(number, sent, sentIn, error == null ? code : KeeperException.Code.SYSTEMERROR));
    }

    private void answered(long number, long sent, long sentIn, KeeperException.Code code) {
        long now = ticker.nanos();
        Consumer<String> listener = null;
        String reason = "";
        lock.lock();
        try {
            adoptCurrentSession();
            if (closed || number < sessionSyncsFrom) {
                return; // sent for an earlier session: the current one has syncs of its own
            }
            inFlight = false;
            // A sync sent while the handle had no session, or answered in another, proves nothing.
            if (code == KeeperException.Code.OK && sentIn != 0 && sentIn == session) {
                if (now - validUntil() >= 0 && !lapseReported) {
                    // Run out before the timer noticed: reported now, since this answer cannot vouch for
                    // the time in between (the leader may have expired the session, then read the proof).
                    lapseReported = true;
                    listener = onLapse;
                    reason = lapseReason(now);
                }
                prove(sent, now);
                unused.addLast(new Answered(sent, now));
                lastAnswer = now;
                anyAnswer = true;
            } else if (code == KeeperException.Code.CONNECTIONLOSS && anyAnswer) {
                // The connection that carried the newest answer is gone: the next one is opened after it.
                reconnected = true;
                reconnectedAfter = lastAnswer;
            }
            nextSync = cancel(nextSync);
            nextSync = timer.schedule(this::sync, sessionTimeout().dividedBy(6));
        } finally {
            lock.unlock();
        }
        if (listener != null) {
            listener.accept(reason);
        }
    }

    /** Moves the confirmation forward by what an answer at {@code now} to a sync sent at {@code sent} proves; lock held. */
    private void prove(long sent, long now) {
        if (reconnected) {
            confirmed = later(confirmed, reconnectedAfter);
            reconnected = false;
        }
        long gap = sessionTimeout().dividedBy(3).toNanos();
        Answered proof = null;
        int upToProof = 0;
        int seen = 0;
        for (Answered earlier : unused) {
            seen++;
            if (sent - earlier.answered() >= gap) {
                proof = earlier;
                upToProof = seen;
            }
        }
        if (proof != null) {
            confirmed = later(confirmed, proof.sent());
            for (int i = 0; i < upToProof; i++) {
                unused.removeFirst(); // the proof, and the answers before it, which prove less
            }
        }
        if (now - validUntil() < 0) {
            lapseReported = false; // a new confirmation, whose lapse is reported in its turn
        }
        scheduleLapseCheck();
    }

    /**
     * Starts over when the client's handle has a session other than the one confirmed: a new
     * session was created after its handle was made, which counts as the leader's first word
     * of it; lock held.
     */
    private void adoptCurrentSession() {
        CurrentHandle.Session current = handle.session();
        if (!started || current.id() == 0 || current.id() == session) {
            return;
        }
        session = current.id();
        confirmed = current.handleMadeAt();
        inFlight = false; // a sync of the earlier session may be stuck with its handle
        sessionSyncsFrom = syncs + 1;
        unused.clear();
        anyAnswer = false;
        reconnected = false;
        lapseReported = false;
        scheduleLapseCheck();
        nextSync = cancel(nextSync);
        nextSync = timer.schedule(this::sync, Duration.ZERO);
    }

    /** The end of the current confirmation, on the ticker; lock held. */
    private long validUntil() {
        Duration timeout = sessionTimeout();
        return confirmed
                + timeout.minus(timeout.dividedBy(12))
                        .minus(drift.allowanceFor(timeout))
                        .toNanos();
    }

    /** The session timeout the servers granted the current handle (the last one known while it has none). */
    private Duration sessionTimeout() {
        sessionTimeout = handle.sessionTimeout().orElse(sessionTimeout);
        return sessionTimeout;
    }

    /** Lock held. */
    private void scheduleLapseCheck() {
        if (closed) {
            return;
        }
        lapseCheck = cancel(lapseCheck);
        long left = validUntil() - ticker.nanos();
        lapseCheck = timer.schedule(this::checkLapse, Duration.ofNanos(Math.max(0, left)));
    }

    private void checkLapse() {
        String reason;
        Consumer<String> listener;
        lock.lock();
        try {
            lapseCheck = null;
            if (closed) {
                return;
            }
            adoptCurrentSession();
            long now = ticker.nanos();
            if (now - validUntil() < 0) {
                scheduleLapseCheck();
                return;
            }
            if (lapseReported) {
                return;
            }
            lapseReported = true;
            listener = onLapse;
            reason = lapseReason(now);
        } finally {
            lock.unlock();
        }
        listener.accept(reason);
    }

    /** Lock held. */
    private String lapseReason(long now) {
        return "no sync through the ZooKeeper leader confirmed session 0x" + Long.toHexString(session) + " in the last "
                + Duration.ofNanos(now - confirmed).toMillis() + " ms: the server this client talks to may be cut off"
                + " from the leader, which expires the session "
                + sessionTimeout().toMillis()
                + " ms after it last heard of it";
    }

    private static long later(long a, long b) {
        return a - b < 0 ? b : a;
    }

    private static Scheduler.@Nullable Cancellable cancel(Scheduler.@Nullable Cancellable task) {
        if (task != null) {
            task.cancel();
        }
        return null;
    }
}
