package io.dlock.redis;

import io.dlock.Scheduler;
import io.dlock.Ticker;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis master of a Redlock set: its connection once made, and a new attempt to connect,
 * in the background, when it is wanted and absent, no sooner than a backoff after the last
 * failed one (100 ms, doubling to 5 s, jittered), so a node that stays down costs nothing per
 * command. Once connected, Lettuce reconnects by itself after an outage; commands to a
 * disconnected node fail at once.
 */
final class RedlockNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedlockBackend.class);
    private static final long FIRST_RECONNECT_DELAY_NANOS =
            Duration.ofMillis(100).toNanos();
    private static final long MAX_RECONNECT_DELAY_NANOS = Duration.ofSeconds(5).toNanos();

    private final RedisEndpoint endpoint;
    private final ClientResources resources;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable RedisNode node;
    private @Nullable CompletableFuture<RedisNode> connecting;
    private boolean triedBefore;
    private boolean closed;
    private int failedConnects;
    private long nextConnectAt;
    private long quarantineWarnedFor = Long.MIN_VALUE;

    RedlockNode(RedisEndpoint endpoint, ClientResources resources, Scheduler scheduler, Ticker ticker) {
        this.endpoint = endpoint;
        this.resources = resources;
        this.scheduler = scheduler;
        this.ticker = ticker;
    }

    RedisEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Starts connecting unless connected or connecting; the stage completes with the outcome,
     * after {@link #ready()} returns the connection and the outcome is logged.
     */
    CompletionStage<RedisNode> connect() {
        CompletableFuture<RedisNode> attempt;
        lock.lock();
        try {
            if (node != null) {
                return CompletableFuture.completedFuture(node);
            }
            if (connecting != null) {
                return connecting;
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("client closed"));
            }
            attempt = new CompletableFuture<>();
            connecting = attempt;
        } finally {
            lock.unlock();
        }
        // Outside the lock: resolving and connecting is I/O.
        RedisNode.connectAsync(endpoint, resources, scheduler).whenComplete((made, error) -> {
            connected(made, error);
            if (error != null) {
                attempt.completeExceptionally(error);
            } else {
                attempt.complete(made);
            }
        });
        return attempt;
    }

    /**
     * The connection if there is one; otherwise empty, and, once the backoff after the last
     * failed attempt has passed, a connection attempt starts on the timer thread, so that a round
     * is not held up by one node's reconnection.
     */
    Optional<RedisNode> ready() {
        RedisNode current = node;
        if (current == null && reconnectDue()) {
            scheduler.schedule(this::connect, Duration.ZERO);
        }
        return Optional.ofNullable(current);
    }

    private boolean reconnectDue() {
        lock.lock();
        try {
            return connecting == null && !closed && ticker.nanos() - nextConnectAt >= 0;
        } finally {
            lock.unlock();
        }
    }

    private void connected(RedisNode made, Throwable error) {
        boolean wasClosed;
        boolean first;
        lock.lock();
        try {
            connecting = null;
            wasClosed = closed;
            first = !triedBefore;
            triedBefore = true;
            if (error == null && !closed) {
                node = made;
            } else if (error != null) {
                long delay = Math.min(
                        MAX_RECONNECT_DELAY_NANOS, FIRST_RECONNECT_DELAY_NANOS << Math.min(failedConnects, 10));
                failedConnects++;
                nextConnectAt =
                        ticker.nanos() + delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            }
        } finally {
            lock.unlock();
        }
        if (error == null && wasClosed) {
            made.close();
        } else if (first) {
            return; // the backend logs the outcomes at creation, in the nodes' order
        } else if (error != null) {
            log.debug(
                    "node {} still unreachable: {}",
                    endpoint,
                    RedisFailures.translate(error, endpoint).getMessage());
        } else {
            log.info("node {} connected", endpoint);
        }
    }

    /**
     * True the first time a restart at about {@code uptimeSeconds} ago is reported: the restart
     * quarantine is then worth one warning per restart, not one per attempt.
     */
    boolean firstReportOfRestart(long uptimeSeconds) {
        long restartedAtSecond = ticker.nanos() / 1_000_000_000L - uptimeSeconds;
        lock.lock();
        try {
            if (Math.abs(restartedAtSecond - quarantineWarnedFor) <= 2) {
                return false;
            }
            quarantineWarnedFor = restartedAtSecond;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        RedisNode current;
        lock.lock();
        try {
            closed = true;
            current = node;
            node = null;
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.close();
        }
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
