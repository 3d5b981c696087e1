package io.dlock.testkit;

import io.dlock.BackendUnavailableException;
import io.dlock.LockState;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The reference lock service, in memory: the semantics of the single-node Redis backend (leases
 * that expire on the server's clock, owner-checked renew and release, release notifications,
 * fencing tokens seeded from the clock so they survive a data-losing restart) without a network.
 *
 * <p>It proves the engine against the contract suite on a {@link ManualTime} clock, and serves
 * as the model a new backend can be compared with. Connections ({@link #opener()}) can be cut
 * and restored to play a crashed or partitioned client. Every operation completes before it
 * returns; notifications are delivered after the server's state is updated, outside its lock.
 */
public final class InMemoryLockServer {

    private final Ticker clock;
    private final long epochMicros;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Grant> locks = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();
    private final Map<String, Set<Runnable>> watchers = new HashMap<>();
    private final AtomicInteger acquireCalls = new AtomicInteger();
    private final AtomicInteger renewCalls = new AtomicInteger();

    /** A server whose leases run on {@code clock}. */
    public InMemoryLockServer(Ticker clock) {
        this.clock = clock;
        this.epochMicros = System.currentTimeMillis() * 1_000 - clock.nanos() / 1_000;
    }

    /** Opens a new connection to this server for {@code LockClient.builder(opener)}. */
    public Function<BackendContext, LockBackend> opener() {
        return context -> new Connection();
    }

    /** Opens a new connection and returns it, to cut it later with {@link Connection#cut()}. */
    public Connection connect() {
        return new Connection();
    }

    /** Forgets every lock and token, like a Redis restart without persistence. */
    public void restartLosingData() {
        lock.lock();
        try {
            locks.clear();
            lastTokens.clear();
            watchers.clear();
        } finally {
            lock.unlock();
        }
    }

    /** How many acquisition attempts reached the server. */
    public int acquireCalls() {
        return acquireCalls.get();
    }

    /** How many renewal batches reached the server. */
    public int renewCalls() {
        return renewCalls.get();
    }

    private long clockMicros() {
        return epochMicros + clock.nanos() / 1_000;
    }

    /** Call with the lock held: the live grant of {@code name}, dropping an expired one. */
    private Grant live(String name) {
        Grant grant = locks.get(name);
        if (grant != null && clock.nanos() - grant.expiresAt >= 0) {
            locks.remove(name);
            return null;
        }
        return grant;
    }

    private AttemptResult tryAcquire(LockRequest request) {
        acquireCalls.incrementAndGet();
        lock.lock();
        try {
            Grant current = live(request.name());
            long expiresAt = clock.nanos() + request.lease().toNanos();
            if (current != null && current.owner.equals(request.owner())) {
                current.expiresAt = expiresAt;
                return new AttemptResult.Granted(current.token);
            }
            if (current != null) {
                return AttemptResult.Denied.holderFor(Duration.ofNanos(current.expiresAt - clock.nanos()));
            }
            long token = Math.max(lastTokens.getOrDefault(request.name(), 0L) + 1, clockMicros());
            lastTokens.put(request.name(), token);
            locks.put(request.name(), new Grant(request.owner(), token, expiresAt));
            return new AttemptResult.Granted(token);
        } finally {
            lock.unlock();
        }
    }

    private List<Renewal> renew(List<LockRequest> held) {
        renewCalls.incrementAndGet();
        List<Renewal> renewed = new ArrayList<>(held.size());
        lock.lock();
        try {
            for (LockRequest request : held) {
                Grant current = live(request.name());
                boolean mine = current != null && current.owner.equals(request.owner());
                if (mine) {
                    current.expiresAt = clock.nanos() + request.lease().toNanos();
                }
                renewed.add(mine ? Renewal.RENEWED : Renewal.NOT_HELD);
            }
        } finally {
            lock.unlock();
        }
        return renewed;
    }

    private boolean release(LockRequest held) {
        List<Runnable> toWake;
        lock.lock();
        try {
            Grant current = live(held.name());
            if (current == null || !current.owner.equals(held.owner())) {
                return false;
            }
            locks.remove(held.name());
            toWake = new ArrayList<>(watchers.getOrDefault(held.name(), Set.of()));
        } finally {
            lock.unlock();
        }
        toWake.forEach(Runnable::run);
        return true;
    }

    private LockState inspect(String name) {
        lock.lock();
        try {
            Grant current = live(name);
            if (current == null) {
                return LockState.free(name);
            }
            Duration remaining = Duration.ofNanos(current.expiresAt - clock.nanos());
            return new LockState(name, Optional.of(new LockState.Holder(current.owner, current.token,
                    Optional.of(remaining))), OptionalInt.empty());
        } finally {
            lock.unlock();
        }
    }

    private void watch(String name, Runnable onChange, boolean on) {
        lock.lock();
        try {
            if (on) {
                watchers.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(onChange);
            } else {
                Set<Runnable> set = watchers.get(name);
                if (set != null && set.remove(onChange) && set.isEmpty()) {
                    watchers.remove(name);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A held lock on the server. */
    private static final class Grant {
        final String owner;
        final long token;
        long expiresAt;

        Grant(String owner, long token, long expiresAt) {
            this.owner = owner;
            this.token = token;
            this.expiresAt = expiresAt;
        }
    }

    /**
     * One client's connection; {@link #cut()} makes it fail like an unreachable server,
     * {@link #holdReplies()} like a hung one, {@link #loseNextReply()} like a connection that
     * dies right after a request reached the server.
     */
    public final class Connection implements LockBackend, Function<BackendContext, LockBackend> {

        private final ReentrantLock heldLock = new ReentrantLock();
        private final List<Runnable> held = new ArrayList<>();
        private volatile boolean cut;
        private volatile boolean holding;
        private volatile boolean loseNext;

        /** Makes every later operation fail with {@link BackendUnavailableException}. */
        public void cut() {
            cut = true;
        }

        /** Undoes {@link #cut()}. */
        public void restore() {
            cut = false;
        }

        /** Keeps later operations from reaching the server, unanswered, until {@link #deliverReplies()}. */
        public void holdReplies() {
            holding = true;
        }

        /** Lets the held operations reach the server, in order, and answers them; stops holding. */
        public void deliverReplies() {
            List<Runnable> toRun;
            heldLock.lock();
            try {
                holding = false;
                toRun = List.copyOf(held);
                held.clear();
            } finally {
                heldLock.unlock();
            }
            toRun.forEach(Runnable::run);
        }

        /**
         * Lets the next operation reach the server and fail at the client as if its reply was
         * lost; the connection is cut from then on, until {@link #restore()}.
         */
        public void loseNextReply() {
            loseNext = true;
        }

        /** Returns this connection, so it can be passed to {@code LockClient.builder(...)}. */
        @Override
        public LockBackend apply(BackendContext context) {
            return this;
        }

        private <T> CompletionStage<T> call(java.util.function.Supplier<T> operation) {
            if (cut) {
                return CompletableFuture.failedFuture(
                        new BackendUnavailableException("in-memory lock server unreachable: connection cut by the test"));
            }
            if (loseNext) {
                loseNext = false;
                operation.get();
                cut = true;
                return CompletableFuture.failedFuture(
                        new BackendUnavailableException("in-memory lock server: reply lost, connection cut by the test"));
            }
            heldLock.lock();
            try {
                if (holding) {
                    CompletableFuture<T> reply = new CompletableFuture<>();
                    held.add(() -> reply.complete(operation.get()));
                    return reply;
                }
            } finally {
                heldLock.unlock();
            }
            return CompletableFuture.completedFuture(operation.get());
        }

        @Override
        public Acquisition acquisition(LockRequest request, Runnable onChange) {
            return new Acquisition() {
                private boolean watching;

                @Override
                public CompletionStage<AttemptResult> attempt() {
                    if (!watching) {
                        watch(request.name(), onChange, true);
                        watching = true;
                    }
                    return call(() -> tryAcquire(request)).thenApply(result -> {
                        if (result instanceof AttemptResult.Granted) {
                            watch(request.name(), onChange, false);
                        }
                        return result;
                    });
                }

                @Override
                public CompletionStage<Void> abandon() {
                    watch(request.name(), onChange, false);
                    return call(() -> release(request)).thenApply(released -> null);
                }
            };
        }

        @Override
        public CompletionStage<List<Renewal>> renew(List<LockRequest> held) {
            return call(() -> InMemoryLockServer.this.renew(held));
        }

        @Override
        public CompletionStage<Boolean> release(LockRequest held) {
            return call(() -> InMemoryLockServer.this.release(held));
        }

        @Override
        public CompletionStage<LockState> inspect(String name) {
            return call(() -> InMemoryLockServer.this.inspect(name));
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(true, false);
        }

        @Override
        public void close() {
            cut = true;
        }
    }
}
