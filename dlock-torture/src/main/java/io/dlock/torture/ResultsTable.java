package io.dlock.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of several runs as a Markdown table, one row per backend, faults and worker mode,
 * summing the runs of each row: the table {@code docs/torture.md} shows.
 */
public final class ResultsTable {

    private ResultsTable() {}

    /** Renders {@code results}; rows keep the order in which their first run appears. */
    public static String markdown(List<RunResult> results) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (RunResult result : results) {
            Scenario s = result.scenario();
            rows.computeIfAbsent(
                            s.backend() + "|" + s.faultLabel() + "|" + s.mode() + "|" + s.holdMax(), key -> new Row(s))
                    .add(result);
        }
        StringBuilder table = new StringBuilder();
        table.append("| backend | faults | workers | runs | ops | acquired / attempted | overlaps (both valid)"
                + " | stale holders (told) | stale writes accepted | stale ops rejected | token violations"
                + " | lost/dup increments | faults injected | recovery median / max | longest outage | verdict |\n");
        table.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows.values()) {
            table.append(row.render()).append('\n');
        }
        return table.toString();
    }

    /** The sums of one row. */
    private static final class Row {
        private final Scenario scenario;
        private int runs;
        private int operations;
        private int acquired;
        private int attempted;
        private int overlaps;
        private int validOverlaps;
        private int staleHolders;
        private int staleHoldersTold;
        private int staleAccepted;
        private int staleRejected;
        private int tokenViolations;
        private int anomalies;
        private int faults;
        private int problems;
        private int flagged;
        private int skipped;
        private String skipReason = "";
        private final List<Duration> recoveries = new ArrayList<>();
        private int unrecovered;
        private Duration longestOutage = Duration.ZERO;

        Row(Scenario scenario) {
            this.scenario = scenario;
        }

        void add(RunResult result) {
            CheckResult c = result.check();
            runs++;
            if (result.skipped().isPresent()) {
                skipped++;
                skipReason = result.skipped().get();
            }
            operations += c.operations();
            acquired += c.acquired();
            attempted += c.attempted();
            overlaps += c.overlaps();
            validOverlaps += c.validOverlaps();
            staleHolders += c.staleHolders();
            staleHoldersTold += c.staleHoldersTold();
            staleAccepted += c.staleWritesAccepted();
            staleRejected += c.staleRejected();
            tokenViolations += c.tokenViolations();
            anomalies += c.counterAnomalies();
            faults += c.faults();
            problems += result.problems().size();
            if (scenario.mode().isControl() && result.controlFlagged()) {
                flagged++;
            }
            c.recoveries().forEach(r -> recoveries.add(r.time()));
            unrecovered +=
                    (int) c.recoveries().stream().filter(r -> !r.recovered()).count();
            longestOutage = max(longestOutage, c.longestOutage());
        }

        String render() {
            return String.join(
                            " | ",
                            "| " + scenario.backend().name().toLowerCase(java.util.Locale.ROOT),
                            scenario.faultLabel(),
                            (scenario.mode().isControl() ? "control: " + scenario.mode() : "correct") + ", hold "
                                    + scenario.holdMin().toMillis() + "-"
                                    + scenario.holdMax().toMillis() + " ms",
                            Integer.toString(runs),
                            Integer.toString(operations),
                            acquired + " / " + attempted,
                            overlaps + " (" + validOverlaps + ")",
                            staleHolders + " (" + staleHoldersTold + ")",
                            Integer.toString(staleAccepted),
                            Integer.toString(staleRejected),
                            Integer.toString(tokenViolations),
                            Integer.toString(anomalies),
                            Integer.toString(faults),
                            recovery(),
                            longestOutage.toMillis() + " ms",
                            verdict())
                    + " |";
        }

        /** The median and longest time-to-recover of the row's faults, and how many saw no grant after them. */
        private String recovery() {
            if (recoveries.isEmpty()) {
                return "-";
            }
            List<Duration> sorted = recoveries.stream().sorted().toList();
            return sorted.get((sorted.size() - 1) / 2).toMillis() + " / "
                    + sorted.get(sorted.size() - 1).toMillis() + " ms"
                    + (unrecovered > 0 ? " (" + unrecovered + " never)" : "");
        }

        private String verdict() {
            if (skipped > 0) {
                return "SKIPPED " + skipReason + (skipped < runs ? " (" + skipped + " of " + runs + " runs)" : "");
            }
            if (problems > 0) {
                return "harness problems: " + problems;
            }
            if (scenario.mode().isControl()) {
                return flagged == runs ? "flagged in every run" : "NOT FLAGGED in " + (runs - flagged) + " runs";
            }
            boolean safe = staleAccepted == 0 && tokenViolations == 0 && anomalies == 0;
            boolean exclusive = validOverlaps == 0;
            if (safe && exclusive) {
                return "as claimed";
            }
            if (safe && !scenario.claimsMutualExclusion()) {
                return "exclusion broken (not claimed); fencing held";
            }
            return "CLAIM BROKEN";
        }

        private static Duration max(Duration a, Duration b) {
            return a.compareTo(b) >= 0 ? a : b;
        }
    }
}
