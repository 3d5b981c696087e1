package io.dlock.testkit.torture;

import io.dlock.BackendUnavailableException;
import io.dlock.LockClient;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockBackendProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The main class of a worker JVM: one {@link LockClient}, as a real process uses it, shared by
 * {@link WorkerLoop} threads until the stop time; then it closes the client and exits 0.
 *
 * <p>Arguments: those of {@link WorkerConfig#toArgs()}. The worker stops at the configured stop
 * time, or earlier when its standard input ends (the harness closes it, or died). Each thread
 * writes its own history file, flushed line by line, so that a worker killed or paused loses
 * nothing it recorded.
 */
public final class TortureWorker {

    private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(15);

    private TortureWorker() {}

    /** Runs the worker; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        WorkerConfig config = WorkerConfig.fromArgs(args);
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> awaitEndOfInput(stop), "torture-stdin");
        stdin.setDaemon(true);
        stdin.start();
        try (LockClient client = connect(config)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < config.threads(); t++) {
                WorkerLoop loop = new WorkerLoop(config, t, client, stop);
                Thread thread = new Thread(loop, "torture-w" + config.id() + ".t" + t);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static void awaitEndOfInput(AtomicBoolean stop) {
        try {
            while (System.in.read() != -1) {
                // the harness sends nothing; it only closes the stream
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
    private static LockClient connect(WorkerConfig config) {
        long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
        while (true) {
            try {
                return client(config);
            } catch (BackendUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                System.err.println("worker " + config.id() + ": not connected yet, retrying: " + e.getMessage());
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
        }
    }

    private static LockClient client(WorkerConfig config) {
        UnaryOperator<LockBackend> decorator = switch (config.mode()) {
            case RELEASE_WITHOUT_OWNER_CHECK -> UncheckedReleaseBackend::new;
            case NEVER_RENEWED -> UnrenewedLeaseBackend::new;
            case CORRECT, NO_FENCING, REDLOCK_WITHOUT_RESTART_DETECTION -> null;
        };
        if (decorator == null) {
            return LockClient.builder(config.uri()).defaultLease(config.lease()).build();
        }
        LockBackendProvider provider = providerFor(config.uri());
        return LockClient.builder(context -> decorator.apply(provider.open(config.uri(), context)))
                .defaultLease(config.lease()).build();
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
