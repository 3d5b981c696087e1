package io.dlock.cli;

import io.dlock.DistributedLock;
import io.dlock.Lease;
import io.dlock.LockClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dlock bench}: acquire + release throughput and latency against a user's own lock
 * service, the same scenarios as the JMH benchmarks (uncontended with one thread, many threads
 * on distinct names, many threads on one name).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure acquire + release throughput and latency against a lock service.",
            "%nEach thread loops: acquire (waiting if needed), release; the latency is the whole loop."
                    + " Live progress goes to stderr (see --progress); the result to stdout.%n"
        })
final class BenchCommand implements Callable<Integer> {

    /**
     * The system property saying whether stderr is a terminal, set by the {@code dlock} launcher
     * ({@code [ -t 2 ]}): Java 17 cannot tell for stderr ({@code System.console()} looks at stdin
     * and stdout, and from Java 22 it is there even when both are redirected).
     */
    private static final String STDERR_IS_TERMINAL = "dlock.stderrIsTerminal";

    /** How the threads' lock names relate. */
    enum Keys {
        one,
        distinct
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOption backend;

    @Option(
            names = {"-t", "--threads"},
            defaultValue = "1",
            description = "Concurrent threads (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(
            names = {"-d", "--duration"},
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long to measure (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(
            names = "--keys",
            defaultValue = "distinct",
            description = "one: every thread takes the same lock (hand-offs); distinct: one lock per thread"
                    + " (default: ${DEFAULT-VALUE}).")
    private Keys keys;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Show live progress on stderr once a second; --no-progress to hide it (default: when stderr"
                    + " is a terminal, which the dlock launcher checks with [ -t 2 ]; off when run with java -jar).")
    private @Nullable Boolean progress;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, was " + threads);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        LongAdder done = new LongAdder();
        List<long[]> latencies = new ArrayList<>();
        long elapsedNanos;
        try (LockClient client = backend.client().build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            Progress live = new Progress(spec.commandLine().getErr(), showProgress());
            try {
                CompletionService<long[]> workers = new ExecutorCompletionService<>(pool);
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                for (int t = 0; t < threads; t++) {
                    String name = keys == Keys.one ? "dlock-bench" : "dlock-bench:" + t;
                    DistributedLock lock = client.lock(name);
                    workers.submit(() -> loop(lock, end, done));
                }
                // In the order the workers end, so that the first failure ends the run at once.
                while (latencies.size() < threads) {
                    Future<long[]> finished = workers.poll(200, TimeUnit.MILLISECONDS);
                    if (finished != null) {
                        latencies.add(resultOf(finished));
                    }
                    live.show(System.nanoTime() - start, done.sum());
                }
                elapsedNanos = System.nanoTime() - start;
            } finally {
                live.clear();
                stop(pool);
            }
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? asJson(all, elapsedNanos) : asTable(all, elapsedNanos));
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * One thread's loop until {@code end} or until interrupted (another thread failed); returns
     * each acquire + release latency in nanoseconds.
     */
    private static long[] loop(DistributedLock lock, long end, LongAdder done) throws InterruptedException {
        long[] samples = new long[1024];
        int count = 0;
        while (System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted()) {
            long start = System.nanoTime();
            Lease lease = lock.acquire(Duration.ofSeconds(30));
            lease.close();
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = System.nanoTime() - start;
            done.increment();
        }
        return Arrays.copyOf(samples, count);
    }

    /**
     * A worker's latencies, or its own exception: a backend failure then exits 69 with the
     * backend's message rather than 70 with an {@code ExecutionException}.
     */
    private static long[] resultOf(Future<long[]> worker) throws InterruptedException {
        try {
            return worker.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a bench thread failed: " + cause, cause);
        }
    }

    /**
     * Interrupts the workers still running (after a failure) and gives them time to stop before
     * the client closes under them; one stuck in I/O cannot hold dlock up, as main exits anyway.
     */
    private static void stop(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** Whether to show live progress: as {@code --[no-]progress} says, else when stderr is a terminal. */
    private boolean showProgress() {
        return progress != null ? progress : Boolean.getBoolean(STDERR_IS_TERMINAL);
    }

    /** The live progress line on stderr, rewritten in place once a second; silent when off. */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean on;
        private long shownSeconds;

        Progress(PrintWriter err, boolean on) {
            this.err = err;
            this.on = on;
        }

        void show(long elapsedNanos, long operations) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(elapsedNanos);
            if (on && seconds > shownSeconds) {
                shownSeconds = seconds;
                err.printf(
                        Locale.ROOT,
                        "\r  %3ds  %,d acquire+release  %,.0f/s   ",
                        seconds,
                        operations,
                        operations / (double) seconds);
                err.flush();
            }
        }

        void clear() {
            if (on && shownSeconds > 0) {
                err.print("\r" + " ".repeat(60) + "\r");
                err.flush();
            }
        }
    }

    private String asTable(long[] sorted, long elapsedNanos) {
        return String.format(
                Locale.ROOT,
                "%nthreads %d, keys %s, %s%n%n"
                        + "| operations | per second | p50 | p99 | p99.9 | max |%n"
                        + "|---:|---:|---:|---:|---:|---:|%n"
                        + "| %,d | %,.0f | %s | %s | %s | %s |%n",
                threads,
                keys,
                String.format(Locale.ROOT, "%.1f s", elapsedNanos / 1e9),
                sorted.length,
                sorted.length / (elapsedNanos / 1e9),
                micros(percentile(sorted, 50)),
                micros(percentile(sorted, 99)),
                micros(percentile(sorted, 99.9)),
                micros(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
    }

    private String asJson(long[] sorted, long elapsedNanos) {
        return new Json()
                        .field("threads", threads)
                        .field("keys", keys.name())
                        .field("seconds", elapsedNanos / 1e9)
                        .field("operations", sorted.length)
                        .field("perSecond", sorted.length / (elapsedNanos / 1e9))
                        .field("p50Micros", percentile(sorted, 50) / 1e3)
                        .field("p99Micros", percentile(sorted, 99) / 1e3)
                        .field("p999Micros", percentile(sorted, 99.9) / 1e3)
                        .field("maxMicros", sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e3)
                + "\n";
    }

    private static long percentile(long[] sorted, double percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
