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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure acquire + release throughput and latency against a lock service.",
            "%nEach thread loops: acquire (waiting if needed), release; the latency is the whole loop."
                + " Live progress goes to stderr on a terminal; the result to stdout.%n"})
final class BenchCommand implements Callable<Integer> {

    /** How the threads' lock names relate. */
    enum Keys { one, distinct }

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOption backend;

    @Option(names = {"-t", "--threads"}, defaultValue = "1", description = "Concurrent threads (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to measure (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--keys", defaultValue = "distinct",
            description = "one: every thread takes the same lock (hand-offs); distinct: one lock per thread"
                    + " (default: ${DEFAULT-VALUE}).")
    private Keys keys;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, was " + threads);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        LongAdder done = new LongAdder();
        List<long[]> latencies;
        long elapsedNanos;
        try (LockClient client = backend.client().build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                List<Future<long[]>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String name = keys == Keys.one ? "dlock-bench" : "dlock-bench:" + t;
                    DistributedLock lock = client.lock(name);
                    workers.add(pool.submit(() -> loop(lock, end, done)));
                }
                showProgress(workers, start, done);
                latencies = new ArrayList<>();
                for (Future<long[]> worker : workers) {
                    latencies.add(worker.get());
                }
                elapsedNanos = System.nanoTime() - start;
            } finally {
                pool.shutdownNow();
            }
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? asJson(all, elapsedNanos) : asTable(all, elapsedNanos));
        out.flush();
        return ExitCodes.OK;
    }

    /** One thread's loop until {@code end}; returns each acquire + release latency in nanoseconds. */
    private static long[] loop(DistributedLock lock, long end, LongAdder done) throws InterruptedException {
        long[] samples = new long[1024];
        int count = 0;
        while (System.nanoTime() - end < 0) {
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

    /** Live progress on a terminal, once a second, on stderr; nothing when not on a terminal. */
    private void showProgress(List<Future<long[]>> workers, long start, LongAdder done) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        long last = 0;
        while (workers.stream().anyMatch(w -> !w.isDone())) {
            TimeUnit.MILLISECONDS.sleep(200);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            if (terminal && seconds > last) {
                last = seconds;
                long ops = done.sum();
                err.printf(Locale.ROOT, "\r  %3ds  %,d acquire+release  %,.0f/s   ", seconds, ops, ops / (double) seconds);
                err.flush();
            }
        }
        if (terminal) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
    }

    private String asTable(long[] sorted, long elapsedNanos) {
        return String.format(Locale.ROOT, "%nthreads %d, keys %s, %s%n%n"
                        + "| operations | per second | p50 | p99 | p99.9 | max |%n"
                        + "|---:|---:|---:|---:|---:|---:|%n"
                        + "| %,d | %,.0f | %s | %s | %s | %s |%n",
                threads, keys, String.format(Locale.ROOT, "%.1f s", elapsedNanos / 1e9), sorted.length,
                sorted.length / (elapsedNanos / 1e9),
                micros(percentile(sorted, 50)), micros(percentile(sorted, 99)), micros(percentile(sorted, 99.9)),
                micros(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
    }

    private String asJson(long[] sorted, long elapsedNanos) {
        return new Json().field("threads", threads).field("keys", keys.name())
                .field("seconds", elapsedNanos / 1e9).field("operations", sorted.length)
                .field("perSecond", sorted.length / (elapsedNanos / 1e9))
                .field("p50Micros", percentile(sorted, 50) / 1e3).field("p99Micros", percentile(sorted, 99) / 1e3)
                .field("p999Micros", percentile(sorted, 99.9) / 1e3)
                .field("maxMicros", sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e3) + "\n";
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
