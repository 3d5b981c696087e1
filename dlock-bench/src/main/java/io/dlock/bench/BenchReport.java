package io.dlock.bench;

import io.dlock.bench.BenchMain.Measurement;
import io.dlock.bench.BenchMain.Scenario;
import io.dlock.servers.RedisServer;
import io.dlock.servers.ZooKeeperServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Collects the figures of a run and writes them as markdown: every ratio is computed within one
 * round (same servers, same minute), then summarised over rounds as the median and the range.
 */
final class BenchReport {

    private final boolean quick;
    private final int rounds;
    private final BenchMain.Selection selection;
    private final Map<Scenario, List<Map<Implementation, Measurement>>> scenarios = new EnumMap<>(Scenario.class);
    private final List<HandoffProbe.Result> handoffs = new ArrayList<>();
    private final List<LeaseScaleProbe.Result> leases = new ArrayList<>();
    private String redisVersion = "?";
    private String zooKeeperVersion = "?";

    BenchReport(boolean quick, int rounds, BenchMain.Selection selection) {
        this.quick = quick;
        this.rounds = rounds;
        this.selection = selection;
    }

    void servers(RedisServer redis, ZooKeeperServer zooKeeper) {
        redisVersion = redis.command("INFO", "server")
                .lines()
                .filter(l -> l.startsWith("redis_version:"))
                .map(l -> l.substring("redis_version:".length()).trim())
                .findFirst()
                .orElse("?");
        zooKeeperVersion = zooKeeper
                .fourLetterWord("srvr")
                .lines()
                .filter(l -> l.startsWith("Zookeeper version:"))
                .map(l -> l.substring("Zookeeper version:".length()).trim().split("[-,]", -1)[0])
                .findFirst()
                .orElse("?");
    }

    void add(Scenario scenario, Map<Implementation, Measurement> round) {
        scenarios.computeIfAbsent(scenario, s -> new ArrayList<>()).add(round);
    }

    void add(HandoffProbe.Result result) {
        handoffs.add(result);
    }

    void add(LeaseScaleProbe.Result result) {
        leases.add(result);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        if (quick) {
            md.append("**Smoke run (`--quick`): these figures mean nothing; they only show the benchmarks run.**\n\n");
        }
        md.append(String.format(
                Locale.ROOT,
                "%s; %s, %d CPUs; Java %s; Redis %s; ZooKeeper %s; %d round(s). "
                        + "Ratios are computed within a round and shown as the median [min-max] over rounds.%n%n",
                LocalDate.now(ZoneId.systemDefault()),
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                redisVersion,
                zooKeeperVersion,
                rounds));
        if (scenarios.containsKey(Scenario.UNCONTENDED)) {
            latency(md);
        }
        if (scenarios.containsKey(Scenario.DISTINCT_NAMES)) {
            throughput(
                    md,
                    Scenario.DISTINCT_NAMES,
                    "8 threads, each on its own lock (acquire + release per second, higher is better)");
        }
        if (scenarios.containsKey(Scenario.ONE_NAME)) {
            throughput(md, Scenario.ONE_NAME, "8 threads on one lock (hand-offs per second, higher is better)");
        }
        if (!handoffs.isEmpty()) {
            handoffTable(md);
        }
        if (!leases.isEmpty()) {
            leaseTable(md);
        }
        return md.toString();
    }

    private void latency(StringBuilder md) {
        md.append("## Uncontended acquire + release, 1 thread (microseconds, lower is better)\n\n");
        md.append("| implementation | p50 | p99 | p50 / floor | p50 / peer | allocated bytes / op |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        List<Map<Implementation, Measurement>> all = scenarios.getOrDefault(Scenario.UNCONTENDED, List.of());
        for (Implementation implementation : selection.of(Scenario.UNCONTENDED.implementations())) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s |%n",
                    implementation,
                    median(all, implementation, Measurement::value),
                    median(all, implementation, Measurement::p99),
                    ratio(all, implementation, Optional.of(implementation.floor())),
                    ratio(all, implementation, implementation.peer()),
                    median(all, implementation, Measurement::allocatedBytes)));
        }
        md.append('\n');
    }

    private void throughput(StringBuilder md, Scenario scenario, String title) {
        md.append("## ").append(title).append("\n\n");
        md.append("| implementation | per second | / floor | / peer |\n|---|---:|---:|---:|\n");
        List<Map<Implementation, Measurement>> all = scenarios.getOrDefault(scenario, List.of());
        for (Implementation implementation : selection.of(scenario.implementations())) {
            Optional<Implementation> floor = scenario.implementations().contains(implementation.floor())
                    ? Optional.of(implementation.floor())
                    : Optional.empty();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s |%n",
                    implementation,
                    median(all, implementation, Measurement::value),
                    ratio(all, implementation, floor),
                    ratio(all, implementation, implementation.peer())));
        }
        md.append('\n');
    }

    private void handoffTable(StringBuilder md) {
        md.append("## Hand-offs of 8 threads of one client on one lock, measured outside JMH\n\n");
        md.append("Requests: what clients sent to Redis (MONITOR, summed over the lock's nodes; commands a script"
                + " runs inside do not count), or ZooKeeper packets received.\n\n");
        md.append("| implementation | hand-offs / s | mean gap (us) | server requests / hand-off |\n");
        md.append("|---|---:|---:|---:|\n");
        for (HandoffProbe.Result r : handoffs) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.1f | %.2f |%n",
                    r.implementation(),
                    r.handoffsPerSecond(),
                    r.meanGapMicros(),
                    r.requestsPerHandoff()));
        }
        md.append('\n');
    }

    private void leaseTable(StringBuilder md) {
        md.append("## Many held leases (30 s leases renewed by each library's watchdog)\n\n");
        md.append("| implementation | leases | held for | requests to Redis / s | client heap / lease (bytes) |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (LeaseScaleProbe.Result r : leases) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d s | %.1f | %.0f |%n",
                    r.implementation(),
                    r.leases(),
                    r.hold().toSeconds(),
                    r.requestsPerSecond(),
                    r.bytesPerLease()));
        }
        md.append('\n');
    }

    private static String median(
            List<Map<Implementation, Measurement>> rounds,
            Implementation implementation,
            ToDoubleFunction<Measurement> figure) {
        double[] values = rounds.stream()
                .filter(r -> r.containsKey(implementation))
                .mapToDouble(r -> figure.applyAsDouble(r.get(implementation)))
                .filter(v -> !Double.isNaN(v))
                .sorted()
                .toArray();
        return values.length == 0
                ? "-"
                : String.format(
                        Locale.ROOT, values[values.length / 2] >= 100 ? "%.0f" : "%.1f", values[values.length / 2]);
    }

    private static String ratio(
            List<Map<Implementation, Measurement>> rounds,
            Implementation implementation,
            Optional<Implementation> reference) {
        if (reference.isEmpty()) {
            return "-";
        }
        double[] ratios = rounds.stream()
                .filter(r -> r.containsKey(implementation) && r.containsKey(reference.get()))
                .mapToDouble(r ->
                        r.get(implementation).value() / r.get(reference.get()).value())
                .sorted()
                .toArray();
        if (ratios.length == 0) {
            return "-";
        }
        String median = String.format(Locale.ROOT, "%.2fx", ratios[ratios.length / 2]);
        return ratios.length == 1
                ? median
                : median + String.format(Locale.ROOT, " [%.2f-%.2f]", ratios[0], ratios[ratios.length - 1]);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
