package io.dlock.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A series of runs, the long form of the suite: for each backend, one row per fault it can take
 * (each fault alone, so every row says what that fault does; partitions in the partition tier,
 * skipped and marked so where it cannot run), then the negative controls; each scenario
 * repeated with consecutive seeds.
 */
public final class TortureSuite {

    private TortureSuite() {}

    /**
     * The scenarios of a series.
     *
     * @param backends the backends to torture
     * @param faults the faults to inject, each in runs of its own; those a backend cannot take
     *     are left out for it
     * @param controls whether to add the negative controls
     * @param seed the first seed; run {@code i} of a scenario uses {@code seed + i}
     * @param duration each run's time
     * @param runs how many runs of each scenario
     * @param holdMax the longest hold of the correct workers (the controls keep their own)
     */
    public static List<Scenario> plan(
            Set<BackendKind> backends,
            Set<Fault> faults,
            boolean controls,
            long seed,
            Duration duration,
            int runs,
            Duration holdMax) {
        List<Scenario> base = new ArrayList<>();
        for (BackendKind backend : BackendKind.values()) {
            if (!backends.contains(backend)) {
                continue;
            }
            for (Fault fault : Fault.values()) {
                if (faults.contains(fault) && fault.appliesTo(backend)) {
                    Scenario scenario = Scenario.of(backend, Set.of(fault), seed, duration);
                    base.add(scenario.withHold(scenario.holdMin(), holdMax));
                }
            }
        }
        if (controls) {
            for (WorkerMode mode : WorkerMode.values()) {
                if (mode.isControl()) {
                    base.add(Scenario.control(mode, seed, duration));
                }
            }
        }
        List<Scenario> all = new ArrayList<>();
        for (Scenario scenario : base) {
            for (int i = 0; i < runs; i++) {
                all.add(scenario.withSeed(seed + i));
            }
        }
        return all;
    }

    /**
     * Whether a series upholds everything: no correct run broke a promise, and every control
     * was flagged. A skipped run breaks nothing; it is reported as skipped.
     */
    public static boolean passed(List<RunResult> results) {
        return results.stream()
                .allMatch(result -> result.scenario().mode().isControl()
                        ? result.controlFlagged() && result.problems().isEmpty()
                        : result.brokenPromises().isEmpty());
    }
}
