package io.dlock.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Uncontended acquire + release latency of a few implementations, measured in turns within one
 * JVM against one set of servers: each round runs a short burst of every implementation, in a
 * rotating order, and the ratios are taken within the round. On a busy machine the load changes
 * from second to second; JMH measures one implementation after the other, each in its own fork,
 * so a change of load between forks shows up as a difference between implementations. Here it
 * falls on all of them alike. A long warm-up (also in turns) lets the JIT finish first, so this
 * is the steady state, where {@link BenchMain}'s short profile still compiles while it measures.
 *
 * <p>{@code java -cp dlock-benchmarks.jar io.dlock.bench.InterleavedLatency [--only IMPL,…]
 * [--rounds N] [--burst N] [--warmup SECONDS]}; prints a markdown table with each
 * implementation's p50 and p90 over all rounds and the median [first quartile – third quartile]
 * over rounds of its burst median divided by its floor's and its peer's in the same round.
 */
public final class InterleavedLatency {

    private InterleavedLatency() {}

    /** Runs the rounds; see the class comment. */
    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        List<Implementation> implementations = Arrays.stream(
                        valueAfter(arguments, "--only", "DLOCK_ZOOKEEPER,CURATOR_MUTEX,FLOOR_ZOOKEEPER")
                                .toUpperCase(Locale.ROOT)
                                .split(","))
                .map(Implementation::valueOf)
                .toList();
        int rounds = Integer.parseInt(valueAfter(arguments, "--rounds", "200"));
        int burst = Integer.parseInt(valueAfter(arguments, "--burst", "50"));
        Duration warmUp = Duration.ofSeconds(Long.parseLong(valueAfter(arguments, "--warmup", "30")));

        Map<Implementation, LockDriver> drivers = new EnumMap<>(Implementation.class);
        Map<Implementation, List<Long>> samples = new EnumMap<>(Implementation.class);
        Map<Implementation, long[]> burstMedians = new EnumMap<>(Implementation.class);
        CpuSpinner spinner = CpuSpinner.start();
        try (BenchServers servers = new BenchServers()) {
            for (Implementation implementation : implementations) {
                drivers.put(implementation, implementation.open(servers));
                samples.put(implementation, new ArrayList<>());
                burstMedians.put(implementation, new long[rounds]);
            }
            long warmUpEnd = System.nanoTime() + warmUp.toNanos();
            while (System.nanoTime() - warmUpEnd < 0) {
                for (Implementation implementation : implementations) {
                    burst(filled(drivers, implementation), lockName(implementation), burst);
                }
            }
            List<Implementation> order = new ArrayList<>(implementations);
            for (int round = 0; round < rounds; round++) {
                Collections.rotate(order, 1);
                for (Implementation implementation : order) {
                    long[] latencies = burst(filled(drivers, implementation), lockName(implementation), burst);
                    Arrays.stream(latencies).forEach(filled(samples, implementation)::add);
                    Arrays.sort(latencies);
                    filled(burstMedians, implementation)[round] = latencies[burst / 2];
                }
            }
        } finally {
            drivers.values().forEach(LockDriver::close);
            spinner.close();
        }
        System.out.println(table(implementations, samples, burstMedians, burst));
    }

    /** Each implementation has its own lock name: their key layouts differ and must not meet. */
    private static String lockName(Implementation implementation) {
        return "bench:interleaved:" + implementation;
    }

    /**
     * Acquires and releases {@code name} {@code count} times; the latency of each, in nanoseconds.
     */
    private static long[] burst(LockDriver driver, String name, int count) throws Exception {
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            driver.acquireRelease(name, false);
            latencies[i] = System.nanoTime() - start;
        }
        return latencies;
    }

    private static String table(
            List<Implementation> implementations,
            Map<Implementation, List<Long>> samples,
            Map<Implementation, long[]> burstMedians,
            int burst) {
        StringBuilder md = new StringBuilder(String.format(
                Locale.ROOT,
                "%d CPUs; Java %s; %d rounds of %d acquire + release per implementation.%n%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                filled(burstMedians, implementations.get(0)).length,
                burst));
        md.append("| implementation | p50 (us) | p90 (us) | p50 / floor | p50 / peer |\n|---|---:|---:|---:|---:|\n");
        for (Implementation implementation : implementations) {
            List<Long> all = new ArrayList<>(filled(samples, implementation));
            all.sort(null);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %s | %s |%n",
                    implementation,
                    all.get(all.size() / 2) / 1e3,
                    all.get(all.size() * 9 / 10) / 1e3,
                    ratio(burstMedians, implementation, Optional.of(implementation.floor())),
                    ratio(burstMedians, implementation, implementation.peer())));
        }
        return md.toString();
    }

    /** The median [quartiles] over rounds of {@code implementation}'s burst median over {@code other}'s. */
    private static String ratio(
            Map<Implementation, long[]> burstMedians, Implementation implementation, Optional<Implementation> other) {
        if (other.isEmpty() || other.get() == implementation || !burstMedians.containsKey(other.get())) {
            return "-";
        }
        long[] mine = filled(burstMedians, implementation);
        long[] theirs = filled(burstMedians, other.get());
        double[] ratios = new double[mine.length];
        for (int round = 0; round < mine.length; round++) {
            ratios[round] = mine[round] / (double) theirs[round];
        }
        Arrays.sort(ratios);
        return String.format(
                Locale.ROOT,
                "%.2fx [%.2f-%.2f]",
                ratios[ratios.length / 2],
                ratios[ratios.length / 4],
                ratios[ratios.length * 3 / 4]);
    }

    private static String valueAfter(List<String> arguments, String option, String otherwise) {
        int index = arguments.indexOf(option);
        return index >= 0 && index + 1 < arguments.size() ? arguments.get(index + 1) : otherwise;
    }

    /** {@code map}'s entry for {@code key}: the maps here get an entry for every implementation before use. */
    private static <K, V> V filled(Map<K, V> map, K key) {
        return Objects.requireNonNull(map.get(key), () -> "no entry for " + key);
    }
}
