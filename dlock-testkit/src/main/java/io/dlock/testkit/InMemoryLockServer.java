package io.dlock.testkit;

import io.dlock.Health;
import io.dlock.LockState;
import io.dlock.Ticker;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.RenewingBackend;
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
import java.util.function.Supplier;

/**
 * The reference lock service, in memory: the semantics of the single-node Redis backend (leases
 * that expire on the server's clock, owner-checked renew and release, release notifications,
 * fencing tokens seeded from the clock so they survive a data-losing restart) without a network.
 *
 * <p>It proves the engine against the contract suite on a {@link ManualTime} clock, and is the
 * smallest complete backend on the SPI: a model for a new one. Connections ({@link #connect()})
 * come behind a {@link FaultyLink}, to play a crashed, hung or partitioned client. Every
 * operation completes before it returns; notifications run after the server's state is updated,
 * outside its lock.
 */
public final class InMemoryLockServer {

    private final Ticker clock;
    private final long epochMicros;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Grant> grants = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();
    private final Map<String, Set<Runnable>> watchers = new HashMap<>();
    private final AtomicInteger acquireCalls = new AtomicInteger();
    private final AtomicInteger renewCalls = new AtomicInteger();

    /** A server whose leases run on {@code clock}. */
    public InMemoryLockServer(Ticker clock) {
        this.clock = clock;
        this.epochMicros = System.currentTimeMillis() * 1_000 - clock.nanos() / 1_000;
    }

    /** Opens a new connection to this server for each {@code LockClient.builder(opener)}. */
    public Function<BackendContext, LockBackend> opener() {
        return context -> new Connection();
    }

    /**
     * Opens a new connection, behind a link a test can cut, hold or make lose a reply; pass it
     * to {@code LockClient.builder(...)}.
     */
    public FaultyLink connect() {
        return FaultyLink.to(new Connection());
    }

    /** Forgets every lock and token, like a Redis restart without persistence. */
    public void restartLosingData() {
        locked(() -> {
            grants.clear();
            lastTokens.clear();
            watchers.clear();
            return null;
        });
    }

    /**
     * What the server holds for lock {@code name}, read directly: its live grant, as
     * {@code "grant of <owner>, token <token>"}; empty once it is released or expired. The
     * token counter is left out: it outlives grants on purpose.
     */
    public List<String> entriesOf(String name) {
        return locked(() -> live(name)
                .map(grant -> List.of("grant of " + grant.owner + ", token " + grant.token))
                .orElse(List.of()));
    }

    /** How many acquisition attempts reached the server. */
    public int acquireCalls() {
        return acquireCalls.get();
    }

    /** How many renewal batches reached the server. */
    public int renewCalls() {
        return renewCalls.get();
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Call with the lock held: the live grant of {@code name}, dropping an expired one. */
    private Optional<Grant> live(String name) {
        Grant grant = grants.get(name);
        if (grant != null && clock.nanos() - grant.expiresAt >= 0) {
            grants.remove(name);
            return Optional.empty();
        }
        return Optional.ofNullable(grant);
    }

    /** Call with the lock held: the live grant of {@code name} if {@code owner} holds it. */
    private Optional<Grant> heldBy(String name, String owner) {
        return live(name).filter(grant -> grant.owner.equals(owner));
    }

    private AttemptResult tryAcquire(LockRequest request) {
        acquireCalls.incrementAndGet();
        long expiresAt = clock.nanos() + request.lease().toNanos();
        return locked(() -> {
            Optional<Grant> current = live(request.name());
            if (current.isPresent() && !current.get().owner.equals(request.owner())) {
                return AttemptResult.Denied.holderFor(Duration.ofNanos(current.get().expiresAt - clock.nanos()));
            }
            Grant grant = current.orElseGet(() -> {
                long token =
                        Math.max(lastTokens.getOrDefault(request.name(), 0L) + 1, epochMicros + clock.nanos() / 1_000);
                lastTokens.put(request.name(), token);
                return new Grant(request.owner(), token);
            });
            grant.expiresAt = expiresAt;
            grants.put(request.name(), grant);
            return AttemptResult.Granted.withToken(grant.token);
        });
    }

    private List<Renewal> renew(List<LockRequest> held) {
        renewCalls.incrementAndGet();
        return locked(() -> held.stream()
                .map(request -> heldBy(request.name(), request.owner())
                        .map(grant -> {
                            grant.expiresAt = clock.nanos() + request.lease().toNanos();
                            return Renewal.RENEWED;
                        })
                        .orElse(Renewal.NOT_HELD))
                .toList());
    }

    private boolean release(LockRequest held) {
        List<Runnable> toWake = locked(() -> {
            if (heldBy(held.name(), held.owner()).isEmpty()) {
                return null;
            }
            grants.remove(held.name());
            return new ArrayList<>(watchers.getOrDefault(held.name(), Set.of()));
        });
        if (toWake == null) {
            return false;
        }
        toWake.forEach(Runnable::run);
        return true;
    }

    private LockState inspect(String name) {
        return locked(() -> live(name)
                .map(grant -> new LockState(
                        name,
                        Optional.of(new LockState.Holder(
                                grant.owner,
                                grant.token,
                                Optional.of(Duration.ofNanos(grant.expiresAt - clock.nanos())))),
                        OptionalInt.empty()))
                .orElseGet(() -> LockState.free(name)));
    }

    /**
     * Starts or stops calling {@code onChange} on releases of {@code name}.
     *
     * @param deniedBy the holder a denied attempt found, if any
     * @return true if that holder still holds: then no release since the attempt was missed
     */
    private boolean watch(String name, Runnable onChange, boolean on, Optional<Grant> deniedBy) {
        return locked(() -> {
            if (on) {
                watchers.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(onChange);
            } else {
                watchers.getOrDefault(name, new LinkedHashSet<>()).remove(onChange);
            }
            return deniedBy.isPresent() && live(name).equals(deniedBy);
        });
    }

    /** A held lock on the server. */
    private static final class Grant {
        final String owner;
        final long token;
        long expiresAt;

        Grant(String owner, long token) {
            this.owner = owner;
            this.token = token;
        }
    }

    /** One client's connection: the whole SPI of a backend whose server expires leases, in a page. */
    private final class Connection implements RenewingBackend {

        @Override
        public Acquisition acquisition(LockRequest request, Runnable onChange) {
            capabilities().check(request);
            return new Acquisition() {
                private volatile Optional<Grant> deniedBy = Optional.empty();

                @Override
                public CompletionStage<AttemptResult> attempt() {
                    AttemptResult result = tryAcquire(request);
                    deniedBy = result instanceof AttemptResult.Denied
                            ? locked(() -> live(request.name()))
                            : Optional.empty();
                    if (result instanceof AttemptResult.Granted) {
                        InMemoryLockServer.this.watch(request.name(), onChange, false, Optional.empty());
                    }
                    return CompletableFuture.completedFuture(result);
                }

                @Override
                public CompletionStage<Boolean> watch() {
                    return CompletableFuture.completedFuture(
                            InMemoryLockServer.this.watch(request.name(), onChange, true, deniedBy));
                }

                @Override
                public CompletionStage<Boolean> release() {
                    InMemoryLockServer.this.watch(request.name(), onChange, false, Optional.empty());
                    return CompletableFuture.completedFuture(InMemoryLockServer.this.release(request));
                }
            };
        }

        @Override
        public CompletionStage<List<Renewal>> renew(List<LockRequest> held) {
            return CompletableFuture.completedFuture(InMemoryLockServer.this.renew(held));
        }

        @Override
        public CompletionStage<LockState> inspect(String name) {
            return CompletableFuture.completedFuture(InMemoryLockServer.this.inspect(name));
        }

        @Override
        public CompletionStage<Health> health() {
            return CompletableFuture.completedFuture(new Health(true, kind(), Map.of()));
        }

        @Override
        public String kind() {
            return "in-memory";
        }

        @Override
        public BackendCapabilities capabilities() {
            return BackendCapabilities.mutex(true, false);
        }

        @Override
        public void close() {
            // a connection holds nothing to close; the server lives on
        }
    }
}
