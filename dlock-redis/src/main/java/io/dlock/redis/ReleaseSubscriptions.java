package io.dlock.redis;

import io.dlock.Scheduler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The release channels one client listens to on one Redis server, over a single pub/sub
 * connection opened on first use. A channel is subscribed while a waiter watches it and for a
 * short linger after the last one left, so a lock that is contended again soon (the next local
 * waiter, the next round of a loop) finds its channel subscribed and pays no SUBSCRIBE.
 * Lettuce resubscribes after a reconnect. A message wakes every local waiter of that lock.
 */
final class ReleaseSubscriptions implements AutoCloseable {

    static final Duration LINGER = Duration.ofSeconds(5);

    private final RedisEndpoint endpoint;
    private final RedisClient client;
    private final Scheduler scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Channel> channels = new HashMap<>();
    private @Nullable CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection;
    private boolean closed;

    ReleaseSubscriptions(RedisEndpoint endpoint, RedisClient client, Scheduler scheduler) {
        this.endpoint = endpoint;
        this.client = client;
        this.scheduler = scheduler;
    }

    /** Adds a listener to {@code channel}; the stage completes once the server confirmed the subscription. */
    CompletionStage<Void> add(String channel, Runnable listener) {
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("client closed"));
            }
            Channel entry = channels.computeIfAbsent(channel, c -> new Channel());
            entry.join(listener);
            if (entry.subscribed == null || entry.subscribed.isCompletedExceptionally()) {
                entry.subscribed = connection()
                        .thenCompose(c -> c.async().subscribe(channel))
                        .thenApply(ok -> null);
            }
            return entry.subscribed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a listener only if the server has already confirmed {@code channel}'s subscription,
     * so every message published from now on reaches it; no I/O.
     *
     * @return true if added
     */
    boolean addIfSubscribed(String channel, Runnable listener) {
        lock.lock();
        try {
            Channel entry = channels.get(channel);
            if (closed
                    || entry == null
                    || entry.subscribed == null
                    || !entry.subscribed.isDone()
                    || entry.subscribed.isCompletedExceptionally()) {
                return false;
            }
            entry.join(listener);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** True while any channel is subscribed or being subscribed: otherwise nobody need ask about one. */
    boolean anySubscribed() {
        lock.lock();
        try {
            return !channels.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Removes a listener; a channel left without any is unsubscribed after the linger. */
    void remove(String channel, Runnable listener) {
        lock.lock();
        try {
            Channel entry = channels.get(channel);
            if (entry != null && entry.listeners.remove(listener) && entry.listeners.isEmpty()) {
                entry.idle = scheduler.schedule(() -> unsubscribeIfIdle(channel, entry), LINGER);
            }
        } finally {
            lock.unlock();
        }
    }

    private void unsubscribeIfIdle(String channel, Channel entry) {
        lock.lock();
        try {
            if (channels.get(channel) != entry || !entry.listeners.isEmpty()) {
                return;
            }
            channels.remove(channel);
            if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
                connection.join().async().unsubscribe(channel);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every listener; the connection is closed with the client that made it. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            channels.values().forEach(Channel::stopIdleTimer);
            channels.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Call with the lock held: the pub/sub connection, connecting (again) if needed. */
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection() {
        if (connection == null || connection.isCompletedExceptionally()) {
            connection = client.connectPubSubAsync(StringCodec.UTF8, endpoint.connectUri())
                    .toCompletableFuture()
                    .thenApply(c -> {
                        c.addListener(new RedisPubSubAdapter<>() {
                            @Override
                            public void message(String channel, String message) {
                                wake(channel);
                            }
                        });
                        return c;
                    });
        }
        return connection;
    }

    private void wake(String channel) {
        List<Runnable> toWake;
        lock.lock();
        try {
            Channel entry = channels.get(channel);
            toWake = entry == null ? List.of() : new ArrayList<>(entry.listeners);
        } finally {
            lock.unlock();
        }
        toWake.forEach(Runnable::run);
    }

    /** The listeners of one channel, the subscription they share, and its linger timer. */
    private static final class Channel {
        final Set<Runnable> listeners = new LinkedHashSet<>();

        @Nullable
        CompletableFuture<Void> subscribed;

        Scheduler.@Nullable Cancellable idle;

        void join(Runnable listener) {
            listeners.add(listener);
            stopIdleTimer();
        }

        void stopIdleTimer() {
            if (idle != null) {
                idle.cancel();
                idle = null;
            }
        }
    }
}
