package io.dlock.torture;

import io.dlock.BackendUnavailableException;
import io.dlock.LockClient;
import io.dlock.Scheduler;
import io.dlock.Ticker;
import io.dlock.servers.PausableScheduler;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockBackendProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The main class of a worker JVM: one {@link LockClient}, as a real process uses it, shared by
 * {@link WorkerLoop} threads until the stop time; then it closes the client and exits 0.
 *
 * <p>Arguments: those of {@link WorkerConfig#toArgs()}. If a thread dies of an unexpected
 * exception (the stack trace goes to standard error, the worker's log), the worker exits with
 * status 3 once the others are done, and the harness reports the run as void. The worker stops at the configured stop
 * time, or earlier when its standard input ends (the harness closes it, or died). A line
 * {@code jump <ms>} on its standard input jumps its engine's clock forward. Each thread writes
 * its own history file, flushed line by line, so that a worker killed or paused loses nothing
 * it recorded.
 */
public final class TortureWorker {

    private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(15);
    /** The exit status when a looping thread died of an unexpected exception. */
    private static final int THREAD_DIED = 3;

    private TortureWorker() {}

    /** Runs the worker; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        WorkerConfig config = WorkerConfig.fromArgs(args);
        AtomicBoolean stop = new AtomicBoolean();
        JumpingTicker ticker = new JumpingTicker();
        Thread stdin = new Thread(() -> followCommands(ticker, stop), "torture-stdin");
        stdin.setDaemon(true);
        stdin.start();
        AtomicInteger died = new AtomicInteger();
        try (PausableScheduler timers = new PausableScheduler();
                LockClient client = connect(config, ticker, timers)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < config.threads(); t++) {
                WorkerLoop loop = new WorkerLoop(config, t, client, stop);
                Thread thread = new Thread(loop, "torture-w" + config.id() + ".t" + t);
                thread.setUncaughtExceptionHandler((dead, e) -> {
                    died.incrementAndGet();
                    System.err.println(dead.getName() + " died:");
                    e.printStackTrace(System.err);
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        if (died.get() > 0) {
            System.err.println("worker " + config.id() + ": " + died.get() + " of its threads died; the run is void");
            System.exit(THREAD_DIED);
        }
    }

    private static void followCommands(JumpingTicker ticker, AtomicBoolean stop) {
        try {
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                if (line.startsWith("jump ")) {
                    ticker.jump(
                            Duration.ofMillis(Long.parseLong(line.substring(5).trim())));
                }
            }
        } catch (IOException e) {
            // the same as the end: the harness is gone
        }
        stop.set(true);
    }

    /**
     * Connects, retrying for a while: on a loaded machine the first connections of three JVMs
     * starting at once can take longer than a Redlock node timeout, and Redlock then refuses to
     * start; that is start-up, not what the run measures.
     */
    private static LockClient connect(WorkerConfig config, Ticker ticker, Scheduler timers) {
        long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
        while (true) {
            try {
                return client(config, ticker, timers);
            } catch (BackendUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                System.err.println("worker " + config.id() + ": not connected yet, retrying: " + e.getMessage());
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
        }
    }

    private static LockClient client(WorkerConfig config, Ticker ticker, Scheduler timers) {
        UnaryOperator<LockBackend> decorator =
                switch (config.mode()) {
                    case RELEASE_WITHOUT_OWNER_CHECK -> UncheckedReleaseBackend::new;
                    case NEVER_RENEWED -> UnrenewedLeaseBackend::new;
                    case CORRECT, NO_FENCING, REDLOCK_WITHOUT_RESTART_DETECTION -> null;
                };
        LockClient.Builder builder;
        if (decorator == null) {
            builder = LockClient.builder(config.uri());
        } else {
            LockBackendProvider provider = providerFor(config.uri());
            builder = LockClient.builder(context -> decorator.apply(provider.open(config.uri(), context)));
        }
        return builder.defaultLease(config.lease()).time(ticker, timers).build();
    }

    private static LockBackendProvider providerFor(String uri) {
        String scheme = uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT);
        for (LockBackendProvider provider : ServiceLoader.load(LockBackendProvider.class)) {
            if (provider.schemes().contains(scheme)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("no backend for " + scheme + ":// on the worker's class path");
    }
}
