package io.dlock.bench;

import io.dlock.testkit.RedisServer;
import io.dlock.testkit.RedisServers;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the benchmarks against servers started once for the whole run and prints a markdown
 * table with every figure as a ratio to its floor measured in the same run.
 *
 * <p>{@code java -jar dlock-benchmarks.jar [--quick]}: {@code --quick} is a smoke run (one
 * short iteration) that only proves the benchmarks work; figures from it mean nothing.
 */
public final class BenchMain {

    private BenchMain() {}

    /** Runs the benchmarks; see the class comment. */
    public static void main(String[] args) throws RunnerException {
        boolean quick = List.of(args).contains("--quick");
        try (RedisServers redis = RedisServers.start(BenchServers.REDIS_COUNT)) {
            Options options = new OptionsBuilder()
                    .include(UncontendedBenchmark.class.getName())
                    .forks(1)
                    .warmupIterations(quick ? 1 : 5)
                    .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                    .measurementIterations(quick ? 1 : 10)
                    .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                    .jvmArgsAppend("-D" + BenchServers.REDIS_PROPERTY + "=" + redis.all().stream()
                            .map(RedisServer::hostAndPort).collect(Collectors.joining(",")))
                    .build();
            Collection<RunResult> results = new Runner(options).run();
            System.out.println();
            System.out.println(table(results, redis.get(0)));
        }
    }

    private static String table(Collection<RunResult> results, RedisServer redis) {
        Map<Implementation, Statistics> byImplementation = new TreeMap<>();
        for (RunResult result : results) {
            Implementation implementation = Implementation.valueOf(result.getParams().getParam("implementation"));
            byImplementation.put(implementation, result.getPrimaryResult().getStatistics());
        }
        StringBuilder table = new StringBuilder();
        table.append("Uncontended acquire + release, 1 thread, ").append(redis.binary().getFileName())
                .append(" on loopback (microseconds)\n\n");
        table.append("| implementation | p50 | p99 | p50 / its floor |\n|---|---:|---:|---:|\n");
        byImplementation.forEach((implementation, stats) -> {
            Statistics floor = byImplementation.get(implementation.floor());
            table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx |%n", implementation,
                    stats.getPercentile(50), stats.getPercentile(99),
                    floor == null ? Double.NaN : stats.getPercentile(50) / floor.getPercentile(50)));
        });
        return table.toString();
    }
}
