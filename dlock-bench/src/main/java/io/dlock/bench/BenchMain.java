package io.dlock.bench;

import io.dlock.servers.RedisServer;
import io.dlock.servers.RedisServers;
import io.dlock.servers.ZooKeeperServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every scenario over every implementation against servers started once for the whole
 * run, then the hand-off and many-leases probes, and prints a markdown report with each figure
 * as a ratio to its floor and to its peer measured in the same round.
 *
 * <p>{@code java -jar dlock-benchmarks.jar [--quick] [--rounds N] [--out FILE] [--only IMPL,…]
 * [--scenarios uncontended,distinctNames,oneName,handoffs,leases]}: {@code --quick} is a smoke
 * run (one tiny iteration of everything) that only proves the benchmarks work; {@code --rounds}
 * repeats the JMH scenarios to show the spread on a noisy machine; {@code --only} and
 * {@code --scenarios} narrow the run while working on one implementation (list its floor and
 * peer too, or the ratios stay empty). Exits 1 when a benchmark failed, after the report.
 */
public final class BenchMain {

    private BenchMain() {}

    /** Runs the benchmarks; see the class comment. */
    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        boolean quick = arguments.contains("--quick");
        int rounds = Integer.parseInt(valueAfter(arguments, "--rounds", "1"));
        String out = valueAfter(arguments, "--out", null);
        Selection selection =
                new Selection(valueAfter(arguments, "--only", null), valueAfter(arguments, "--scenarios", null));
        BenchReport report = new BenchReport(quick, rounds, selection);
        List<String> failed = new ArrayList<>();
        CpuSpinner spinner = CpuSpinner.start();
        try (RedisServers redis = RedisServers.start(BenchServers.REDIS_COUNT);
                ZooKeeperServer zooKeeper = ZooKeeperServer.standalone()) {
            report.servers(redis.get(0), zooKeeper);
            String redisHosts =
                    redis.all().stream().map(RedisServer::hostAndPort).collect(Collectors.joining(","));
            System.setProperty(BenchServers.REDIS_PROPERTY, redisHosts);
            System.setProperty(BenchServers.ZOOKEEPER_PROPERTY, zooKeeper.hostAndPort());
            if (quick) {
                System.setProperty(BenchServers.SMOKE_PROPERTY, "true");
            } else {
                BenchServers.awaitRedlockQuarantine(redis);
            }
            List<String> jvmArgs = List.of(
                    "-D" + BenchServers.REDIS_PROPERTY + "=" + redisHosts,
                    "-D" + BenchServers.ZOOKEEPER_PROPERTY + "=" + zooKeeper.hostAndPort());
            for (int round = 0; round < rounds; round++) {
                for (Scenario scenario : Scenario.values()) {
                    if (selection.runs(scenario.method)) {
                        List<Implementation> implementations = selection.of(scenario.implementations());
                        Map<Implementation, Measurement> measured = run(scenario, implementations, quick, jvmArgs);
                        // JMH reports a failed benchmark and goes on; the run must not pass for it.
                        implementations.stream()
                                .filter(i -> !measured.containsKey(i))
                                .forEach(i -> failed.add(scenario.method + " of " + i));
                        report.add(scenario, measured);
                    }
                }
            }
            if (selection.runs("handoffs")) {
                try (BenchServers servers = new BenchServers()) {
                    HandoffProbe handoffs =
                            new HandoffProbe(servers, new ZooKeeperPackets(zooKeeper), 8, quick ? 20 : 250);
                    for (Implementation implementation : selection.of(Scenario.ONE_NAME.implementations())) {
                        report.add(handoffs.measure(implementation));
                    }
                }
            }
            if (selection.runs("leases")) {
                LeaseScaleProbe leases = new LeaseScaleProbe(
                        redis.get(0).hostAndPort(),
                        quick ? 500 : 10_000,
                        quick ? Duration.ofSeconds(2) : Duration.ofSeconds(35));
                report.add(leases.dlock());
                report.add(leases.redisson());
            }
        } finally {
            spinner.close();
        }
        String markdown = report.markdown();
        System.out.println();
        System.out.println(markdown);
        if (out != null) {
            Files.writeString(Path.of(out), markdown);
        }
        if (!failed.isEmpty()) {
            System.err.println("benchmarks that failed (see their output above): " + String.join(", ", failed));
            System.exit(1);
        }
    }

    private static Map<Implementation, Measurement> run(
            Scenario scenario, List<Implementation> implementations, boolean quick, List<String> jvmArgs)
            throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(LockBenchmarks.class.getName() + "." + scenario.method + "$")
                .param(
                        "implementation",
                        implementations.stream().map(Enum::name).toArray(String[]::new))
                // A smoke run measures nothing, so it spares itself a JVM per implementation.
                .forks(quick ? 0 : 1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(quick ? TimeValue.milliseconds(200) : TimeValue.seconds(1))
                .measurementIterations(quick ? 1 : 5)
                .measurementTime(quick ? TimeValue.milliseconds(300) : TimeValue.seconds(1))
                .jvmArgsAppend(jvmArgs.toArray(String[]::new));
        if (scenario == Scenario.UNCONTENDED) {
            options.addProfiler(GCProfiler.class);
        }
        Map<Implementation, Measurement> measured = new EnumMap<>(Implementation.class);
        for (RunResult result : new Runner(options.build()).run()) {
            Implementation implementation =
                    Implementation.valueOf(result.getParams().getParam("implementation"));
            measured.put(implementation, Measurement.of(scenario, result));
        }
        return measured;
    }

    private static @Nullable String valueAfter(List<String> arguments, String option, @Nullable String otherwise) {
        int index = arguments.indexOf(option);
        return index >= 0 && index + 1 < arguments.size() ? arguments.get(index + 1) : otherwise;
    }

    /** Which implementations and scenarios this run covers; everything unless narrowed. */
    record Selection(
            @Nullable String implementations, @Nullable String scenarios) {

        List<Implementation> of(List<Implementation> candidates) {
            if (implementations == null) {
                return candidates;
            }
            List<String> wanted = Arrays.asList(
                    implementations.toUpperCase(java.util.Locale.ROOT).split(","));
            return candidates.stream().filter(i -> wanted.contains(i.name())).toList();
        }

        boolean runs(String scenario) {
            return scenarios == null || Arrays.asList(scenarios.split(",")).contains(scenario);
        }
    }

    /** The JMH scenarios and which implementations each runs. */
    enum Scenario {
        UNCONTENDED("uncontended"),
        DISTINCT_NAMES("distinctNames"),
        ONE_NAME("oneName");

        final String method;

        Scenario(String method) {
            this.method = method;
        }

        List<Implementation> implementations() {
            List<Implementation> all = new ArrayList<>(List.of(Implementation.values()));
            switch (this) {
                case DISTINCT_NAMES -> all.remove(Implementation.FLOOR_REDIS_PING);
                case ONE_NAME -> all.removeIf(Implementation::isFloor);
                default -> {}
            }
            return all;
        }
    }

    /**
     * One implementation's figure in one round: p50 and p99 in microseconds for latency
     * scenarios, operations per second for throughput ones; bytes allocated per operation where
     * measured (NaN otherwise).
     */
    record Measurement(double value, double p99, double allocatedBytes) {

        static Measurement of(Scenario scenario, RunResult result) {
            Result<?> primary = result.getPrimaryResult();
            if (scenario == Scenario.UNCONTENDED) {
                double allocated = Double.NaN;
                for (String label : result.getSecondaryResults().keySet()) {
                    if (label.endsWith("gc.alloc.rate.norm")) {
                        allocated = result.getSecondaryResults().get(label).getScore();
                        break;
                    }
                }
                return new Measurement(
                        primary.getStatistics().getPercentile(50),
                        primary.getStatistics().getPercentile(99),
                        allocated);
            }
            return new Measurement(primary.getScore(), Double.NaN, Double.NaN);
        }
    }
}
