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

/**
 * A scheduled task's lock + unlock on one Redis node, measured in turns as
 * {@link InterleavedLatency} does (bursts of each implementation in rotating order, ratios taken
 * within a round, so a change of load falls on all alike): ShedLock through dlock against dlock's
 * own API, which shows what the adapter adds, and against ShedLock's own Redis provider.
 *
 * <p>{@code java -cp … io.dlock.bench.ShedLockLatency [--rounds N] [--burst N] [--warmup SECONDS]};
 * prints a markdown table with each implementation's p50 and p90 over all rounds and the median
 * [first quartile – third quartile] over rounds of its burst median over dlock's and over
 * ShedLock's Redis provider's in the same round.
 */
public final class ShedLockLatency {

    private ShedLockLatency() {}

    /** Runs the rounds; see the class comment. */
    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        int rounds = Integer.parseInt(valueAfter(arguments, "--rounds", "200"));
        int burst = Integer.parseInt(valueAfter(arguments, "--burst", "50"));
        Duration warmUp = Duration.ofSeconds(Long.parseLong(valueAfter(arguments, "--warmup", "30")));

        List<ScheduledTaskLock> implementations = List.of(ScheduledTaskLock.values());
        Map<ScheduledTaskLock, ScheduledTaskLock.Driver> drivers = new EnumMap<>(ScheduledTaskLock.class);
        Map<ScheduledTaskLock, List<Long>> samples = new EnumMap<>(ScheduledTaskLock.class);
        Map<ScheduledTaskLock, long[]> burstMedians = new EnumMap<>(ScheduledTaskLock.class);
        CpuSpinner spinner = CpuSpinner.start();
        try (BenchServers servers = new BenchServers()) {
            String redis = servers.redis(1).get(0);
            for (ScheduledTaskLock implementation : implementations) {
                drivers.put(implementation, implementation.open(redis));
                samples.put(implementation, new ArrayList<>());
                burstMedians.put(implementation, new long[rounds]);
            }
            long warmUpEnd = System.nanoTime() + warmUp.toNanos();
            while (System.nanoTime() - warmUpEnd < 0) {
                for (ScheduledTaskLock implementation : implementations) {
                    burst(filled(drivers, implementation), implementation, burst);
                }
            }
            List<ScheduledTaskLock> order = new ArrayList<>(implementations);
            for (int round = 0; round < rounds; round++) {
                Collections.rotate(order, 1);
                for (ScheduledTaskLock implementation : order) {
                    long[] latencies = burst(filled(drivers, implementation), implementation, burst);
                    Arrays.stream(latencies).forEach(filled(samples, implementation)::add);
                    Arrays.sort(latencies);
                    filled(burstMedians, implementation)[round] = latencies[burst / 2];
                }
            }
        } finally {
            drivers.values().forEach(ScheduledTaskLock.Driver::close);
            spinner.close();
        }
        System.out.println(table(implementations, samples, burstMedians, burst));
    }

    /** Locks and unlocks {@code count} times, each implementation on a name of its own; each latency in nanoseconds. */
    private static long[] burst(ScheduledTaskLock.Driver driver, ScheduledTaskLock implementation, int count) {
        String name = "bench:shedlock:" + implementation;
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            driver.lockUnlock(name);
            latencies[i] = System.nanoTime() - start;
        }
        return latencies;
    }

    private static String table(
            List<ScheduledTaskLock> implementations,
            Map<ScheduledTaskLock, List<Long>> samples,
            Map<ScheduledTaskLock, long[]> burstMedians,
            int burst) {
        StringBuilder md = new StringBuilder(String.format(
                Locale.ROOT,
                "%d CPUs; Java %s; %d rounds of %d lock + unlock per implementation.%n%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                filled(burstMedians, implementations.get(0)).length,
                burst));
        md.append(
                "| implementation | p50 (us) | p90 (us) | p50 / DLOCK | p50 / SHEDLOCK_REDIS |\n|---|---:|---:|---:|---:|\n");
        for (ScheduledTaskLock implementation : implementations) {
            List<Long> all = new ArrayList<>(filled(samples, implementation));
            all.sort(null);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %s | %s |%n",
                    implementation,
                    all.get(all.size() / 2) / 1e3,
                    all.get(all.size() * 9 / 10) / 1e3,
                    ratio(filled(burstMedians, implementation), filled(burstMedians, ScheduledTaskLock.DLOCK)),
                    ratio(
                            filled(burstMedians, implementation),
                            filled(burstMedians, ScheduledTaskLock.SHEDLOCK_REDIS))));
        }
        return md.toString();
    }

    /** The median [quartiles] over rounds of one burst median over another's. */
    private static String ratio(long[] mine, long[] theirs) {
        if (mine == theirs) {
            return "-";
        }
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
