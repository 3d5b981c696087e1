package io.dlock.testkit.torture;

import java.nio.file.Path;

/**
 * The main class of the JVM that {@link NetworkIsolation} starts inside a private network
 * namespace: runs one scenario with {@link TortureRun#run(Scenario)} and writes what it found
 * for the JVM that started it. Arguments: the file holding the scenario, the file to write the
 * outcome to. Exits 0 when the outcome is written; with a stack trace and 1 when the run could
 * not start.
 */
public final class IsolatedRun {

    private IsolatedRun() {}

    /** Runs the scenario; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 || !NetworkIsolation.inside()) {
            throw new IllegalArgumentException("usage (by NetworkIsolation only): -D" + NetworkIsolation.INSIDE_PROPERTY
                    + "=DIR IsolatedRun SCENARIO_FILE OUTCOME_FILE");
        }
        Scenario scenario = NetworkIsolation.read(Path.of(args[0]), Scenario.class);
        RunResult result = TortureRun.run(scenario);
        NetworkIsolation.write(Path.of(args[1]),
                new NetworkIsolation.Outcome(result.check(), result.faults(), result.problems()));
        // Leftover non-daemon threads (a library's) must not keep the namespace, and its rules, alive.
        System.exit(0);
    }
}
