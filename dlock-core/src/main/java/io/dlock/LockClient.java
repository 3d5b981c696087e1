package io.dlock;

import io.dlock.spi.BackendContext;
import io.dlock.spi.ClockDrift;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockBackendProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: a connection to one lock service, handing out {@link DistributedLock}s.
 *
 * <pre>{@code
 * try (LockClient client = LockClient.connect("redis://localhost:6379");
 *      Lease lease = client.lock("orders:42").acquire(Duration.ofSeconds(10))) {
 *     store.write(order, lease.fencingToken());
 * }
 * }</pre>
 *
 * <p>The backend is chosen by the URI scheme: {@code redis://} and {@code rediss://} (one Redis
 * node), {@code redlock://} (a quorum of Redis masters), {@code zk://} (ZooKeeper), each
 * provided by its module on the class path. One client holds one set of connections, one timer
 * thread and one watchdog for all its locks: create one per process and share it. Clients are
 * thread-safe.
 *
 * <p>Lock names are 1 to {@value Limits#MAX_NAME_LENGTH} characters without control characters;
 * leases are 10 ms to 30 days; waits are 0 to 30 days.
 */
public final class LockClient implements AutoCloseable {

    private static final int HEALTH_WAIT_SECONDS = 5;

    private final String id;
    private final Engine engine;
    private final LockBackend backend;
    private final AutoCloseable ownThreads;
    private final ThreadHolds threadHolds = new ThreadHolds();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LockClient(String id, Engine engine, LockBackend backend, AutoCloseable ownThreads) {
        this.id = id;
        this.engine = engine;
        this.backend = backend;
        this.ownThreads = ownThreads;
    }

    /**
     * Connects with default options to the lock service named by {@code uri}.
     *
     * @throws IllegalArgumentException if the URI is malformed or no backend on the class path
     *     handles its scheme
     * @throws BackendUnavailableException if the service cannot be reached
     */
    public static LockClient connect(String uri) {
        return builder(uri).build();
    }

    /** Starts configuring a client for the lock service named by {@code uri}. */
    public static Builder builder(String uri) {
        Objects.requireNonNull(uri, "uri");
        return new Builder(context -> providerFor(uri).open(uri, context));
    }

    /**
     * Starts configuring a client on a backend opened by {@code opener}: for backends built in
     * code (tests, custom services) rather than found by URI.
     */
    public static Builder builder(Function<BackendContext, LockBackend> opener) {
        return new Builder(Objects.requireNonNull(opener, "opener"));
    }

    /**
     * Returns the lock named {@code name}; no I/O.
     *
     * @throws IllegalArgumentException if the name is empty, too long or has control characters
     * @throws IllegalStateException if the client is closed
     */
    public DistributedLock lock(String name) {
        checkOpen();
        return new DefaultDistributedLock(this, engine, name, threadHolds);
    }

    /**
     * Reads who holds {@code name}, until when and with which token, without changing it.
     *
     * @throws BackendUnavailableException if the backend cannot be reached
     * @throws IllegalStateException if the client is closed
     */
    public LockState inspect(String name) {
        checkOpen();
        try {
            return backend.inspect(Limits.checkName(name)).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockException("interrupted while inspecting lock '" + name + "'", e);
        } catch (ExecutionException e) {
            throw Failures.rethrow(e);
        }
    }

    /**
     * Checks whether the lock service can grant locks now (see {@link Health}); waits at most
     * {@value #HEALTH_WAIT_SECONDS} seconds for the answer.
     *
     * @throws IllegalStateException if the client is closed
     */
    public Health health() {
        checkOpen();
        try {
            return backend.health().toCompletableFuture().get(HEALTH_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(backend.kind(), "interrupted while checking");
        } catch (ExecutionException | TimeoutException e) {
            return Health.down(
                    backend.kind(),
                    e instanceof TimeoutException
                            ? "no answer within " + HEALTH_WAIT_SECONDS + " s"
                            : Engine.describe(Objects.requireNonNullElse(e.getCause(), e)));
        }
    }

    /** The backend's kind in lower case: {@code redis}, {@code redlock}, {@code zookeeper}, …. */
    public String backendKind() {
        return backend.kind();
    }

    /** This client's id, the prefix of every owner id it hands out. */
    public String id() {
        return id;
    }

    /**
     * Gives up pending acquisitions and releases every lease still held, waiting up to 5 seconds
     * until the server has seen both, then stops the watchdog and closes the connections.
     * Threads waiting in {@link DistributedLock#acquire} or {@code lock()} get an
     * {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        engine.close();
        backend.close();
        try {
            ownThreads.close();
        } catch (Exception e) {
            throw new LockException("could not stop the client's timer and callback threads", e);
        }
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("LockClient " + id + " is closed");
        }
    }

    private static LockBackendProvider providerFor(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("lock service URI must start with a scheme such as"
                    + " redis://, redlock:// or zk://; got no scheme");
        }
        String scheme = uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        TreeSet<String> known = new TreeSet<>();
        for (LockBackendProvider provider : ServiceLoader.load(LockBackendProvider.class)) {
            if (provider.schemes().contains(scheme)) {
                return provider;
            }
            known.addAll(provider.schemes());
        }
        throw new IllegalArgumentException("no dlock backend for scheme '" + scheme + "' on the class path; "
                + (known.isEmpty()
                        ? "add dlock-redis (redis, rediss, redlock) or dlock-zookeeper (zk)"
                        : "known schemes: " + String.join(", ", known)));
    }

    private static String newClientId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "_");
        long pid = ProcessHandle.current().pid();
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        return host + "/" + pid + "/" + random;
    }

    /**
     * Options of a {@link LockClient}. Every option has a sensible default; set only what you
     * need. Not thread-safe; build once.
     */
    public static final class Builder {

        private final Function<BackendContext, LockBackend> opener;
        private Duration defaultLease = Duration.ofSeconds(30);
        private ClockDrift clockDrift = ClockDrift.DEFAULT;
        private Duration maxRetryDelay = Duration.ofSeconds(2);
        private Ticker ticker = Ticker.system();
        private @Nullable Scheduler scheduler;
        private @Nullable Executor callbackExecutor;
        private final List<LockListener> listeners = new ArrayList<>();

        private Builder(Function<BackendContext, LockBackend> opener) {
            this.opener = opener;
        }

        /**
         * The lease of renewed locks (default 30 s): how long a lock survives its holder's
         * crash. The watchdog renews it every third of the lease.
         */
        public Builder defaultLease(Duration lease) {
            this.defaultLease = Limits.checkLease(lease);
            return this;
        }

        /**
         * The clock-drift allowance subtracted from every lease's validity: {@code lease *
         * factor + minimum} (defaults 0.01 and 2 ms, as in the Redlock paper).
         */
        public Builder clockDrift(double factor, Duration minimum) {
            this.clockDrift = new ClockDrift(factor, minimum);
            return this;
        }

        /**
         * The longest a waiter sleeps between attempts when no release notification arrives
         * (default 2 s); bounds the cost of a lost notification.
         */
        public Builder maxRetryDelay(Duration delay) {
            Objects.requireNonNull(delay, "max retry delay");
            if (delay.compareTo(Duration.ofMillis(1)) < 0 || delay.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("max retry delay must be between 1ms and 10m, was " + delay);
            }
            this.maxRetryDelay = delay;
            return this;
        }

        /**
         * Where lease-lost listeners and asynchronous completions run. The default is the
         * client's own two daemon threads, which exist only while there is work: callbacks never
         * run on the backend's I/O threads, nor wait behind the application's tasks in a shared
         * pool. Listeners should return quickly; give an executor of your own for long ones.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "callback executor");
            return this;
        }

        /**
         * Adds a listener told of acquisitions, releases, losses and renewals, for metrics
         * (default: none). Each listener added is told of every event, in the order added; one
         * that throws does not keep the event from the others. See {@link LockListener} for the
         * threads it is called on.
         */
        public Builder listener(LockListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The clock and timers the engine uses (default: {@link System#nanoTime()} and one
         * daemon timer thread). Tests pass a manual pair to jump time.
         */
        public Builder time(Ticker ticker, Scheduler scheduler) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Opens the backend and returns the client.
         *
         * @throws IllegalArgumentException if the URI is malformed or its scheme unknown, if the default
         *     lease leaves no validity after the clock-drift allowance, or if the backend refuses
         *     the options (such as a Redlock node timeout too long for the lease)
         * @throws BackendUnavailableException if the service cannot be reached
         */
        public LockClient build() {
            String id = newClientId();
            SystemScheduler ownTimer = scheduler == null ? new SystemScheduler("dlock-timer-" + id) : null;
            CallbackThreads ownCallbacks = callbackExecutor == null ? new CallbackThreads(id) : null;
            Scheduler timers = ownTimer != null ? ownTimer : Objects.requireNonNull(scheduler);
            Executor callbacks = ownCallbacks != null ? ownCallbacks : Objects.requireNonNull(callbackExecutor);
            AutoCloseable closeOwn = () -> {
                if (ownTimer != null) {
                    ownTimer.close();
                }
                if (ownCallbacks != null) {
                    ownCallbacks.close();
                }
            };
            ClientSettings settings = new ClientSettings(
                    defaultLease, clockDrift, maxRetryDelay, ticker, timers, callbacks, LockListeners.of(listeners));
            LockBackend backend = null;
            try {
                settings.checkValidity(defaultLease);
                backend = opener.apply(new BackendContext(ticker, clockDrift, defaultLease, timers));
                return new LockClient(id, new Engine(id, backend, settings), backend, closeOwn);
            } catch (RuntimeException e) {
                try {
                    if (backend != null) {
                        backend.close();
                    }
                    closeOwn.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
