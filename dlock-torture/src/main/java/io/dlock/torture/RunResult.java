package io.dlock.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of one {@link TortureRun}: the scenario, what the checker found, the faults
 * carried out, and anything that kept the run from being what it claims (a worker that died,
 * a fault that could not be injected).
 *
 * @param scenario what was run
 * @param check what the checker found
 * @param faults the faults carried out
 * @param problems failures of the harness itself; a run with problems proves nothing
 * @param skipped why the scenario was not run at all (the partition tier where it cannot run); a
 *     skipped run shows as such in every report, with empty counts
 */
public record RunResult(
        Scenario scenario,
        CheckResult check,
        List<FaultEvent> faults,
        List<String> problems,
        Optional<String> skipped) {

    /** Keeps immutable copies. */
    public RunResult {
        faults = List.copyOf(faults);
        problems = List.copyOf(problems);
        Objects.requireNonNull(skipped, "skipped");
    }

    /** The result of a scenario that was not run, and why. */
    static RunResult skipped(Scenario scenario, String reason) {
        return new RunResult(
                scenario,
                new CheckResult(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), Duration.ZERO, List.of()),
                List.of(),
                List.of(),
                Optional.of(reason));
    }

    /**
     * For a run of correct workers: every promise the README makes that this run broke, and
     * every harness problem; empty when the run upholds them. Fencing (no stale write
     * accepted, no lost increment) and increasing tokens are promised under every fault;
     * mutual exclusion only under the faults the backend tolerates.
     *
     * @throws IllegalStateException for a negative control, which is judged by {@link #controlFlagged()}
     */
    public List<String> brokenPromises() {
        if (scenario.mode().isControl()) {
            throw new IllegalStateException(scenario.mode() + " is a negative control; see controlFlagged()");
        }
        if (skipped.isPresent()) {
            return List.of(); // announced as SKIPPED wherever the run is reported
        }
        List<String> broken = new ArrayList<>(problems);
        if (check.staleWritesAccepted() > 0) {
            broken.add(check.staleWritesAccepted() + " stale writes accepted");
        }
        if (check.tokenViolations() > 0) {
            broken.add(check.tokenViolations() + " tokens that did not increase");
        }
        if (check.counterAnomalies() > 0) {
            broken.add(check.counterAnomalies() + " lost or duplicated increments");
        }
        if (check.validOverlaps() > 0 && scenario.claimsMutualExclusion()) {
            broken.add(check.validOverlaps() + " mutual-exclusion violations under faults " + scenario.backend()
                    + " tolerates");
        }
        if (check.acquired() == 0) {
            broken.add("no lock was ever acquired: the run tested nothing");
        }
        if (!broken.isEmpty()) {
            broken.addAll(check.examples());
        }
        return broken;
    }

    /**
     * For a negative control: whether the checker caught its flaw (stale writes or lost
     * increments without fencing; two valid leases at once otherwise). False when skipped.
     */
    public boolean controlFlagged() {
        return switch (scenario.mode()) {
            case CORRECT -> throw new IllegalStateException("not a negative control");
            case NO_FENCING -> check.staleWritesAccepted() > 0 || check.counterAnomalies() > 0;
            case RELEASE_WITHOUT_OWNER_CHECK, NEVER_RENEWED, REDLOCK_WITHOUT_RESTART_DETECTION ->
                check.validOverlaps() > 0;
        };
    }

    /** A multi-line summary for logs and failure messages. */
    public String summary() {
        if (skipped.isPresent()) {
            return String.format(
                    Locale.ROOT,
                    "%s under %s, %s, seed %d, %ds: SKIPPED %s",
                    scenario.backend(),
                    scenario.faultLabel(),
                    scenario.mode(),
                    scenario.seed(),
                    scenario.duration().toSeconds(),
                    skipped.get());
        }
        CheckResult c = check;
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "%s under %s, %s, seed %d, %ds: %d ops, %d/%d acquired (%d timed out, %d unavailable, %d errors),"
                        + " overlaps %d (both leases valid: %d), stale holders %d (told: %d), stale writes accepted %d,"
                        + " stale ops rejected %d, token violations %d, lost/duplicated increments %d, %d faults,"
                        + " max recovery %d ms, longest outage %d ms",
                scenario.backend(),
                scenario.faultLabel(),
                scenario.mode(),
                scenario.seed(),
                scenario.duration().toSeconds(),
                c.operations(),
                c.acquired(),
                c.attempted(),
                c.timedOut(),
                c.unavailable(),
                c.errors(),
                c.overlaps(),
                c.validOverlaps(),
                c.staleHolders(),
                c.staleHoldersTold(),
                c.staleWritesAccepted(),
                c.staleRejected(),
                c.tokenViolations(),
                c.counterAnomalies(),
                c.faults(),
                c.maxRecovery().toMillis(),
                c.longestOutage().toMillis()));
        Map<Fault, List<Recovery>> byFault = c.recoveries().stream()
                .collect(Collectors.groupingBy(
                        r -> r.fault().fault(), () -> new EnumMap<>(Fault.class), Collectors.toList()));
        byFault.forEach((fault, recoveries) -> text.append("\n  time to recover after each ")
                .append(fault)
                .append(": ")
                .append(recoveries.stream().map(RunResult::recoveryText).collect(Collectors.joining(", "))));
        faults.stream().filter(f -> !f.observed().isEmpty()).forEach(f -> text.append("\n  ")
                .append(f.fault())
                .append(" of ")
                .append(f.target())
                .append(": ")
                .append(f.observed()));
        problems.forEach(p -> text.append("\n  problem: ").append(p));
        c.examples().forEach(e -> text.append("\n  e.g. ").append(e));
        return text.toString();
    }

    private static String recoveryText(Recovery recovery) {
        return recovery.time().toMillis() + " ms" + (recovery.recovered() ? "" : " (no grant after it)");
    }
}
