package io.dlock.torture;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One fault being injected: what an {@link FaultInjector} works on (the cluster and the
 * workers), and where it notes what it saw and what went wrong. Used by the nemesis thread only.
 */
final class FaultRun {

    private final LockCluster cluster;
    private final WorkerFleet workers;
    private final Consumer<String> failures;
    private final StringBuilder observed = new StringBuilder();

    FaultRun(LockCluster cluster, WorkerFleet workers, Consumer<String> failures) {
        this.cluster = cluster;
        this.workers = workers;
        this.failures = failures;
    }

    /** The servers and the network under torture. */
    LockCluster cluster() {
        return cluster;
    }

    /** The worker JVMs. */
    WorkerFleet workers() {
        return workers;
    }

    /** Notes something the fault brought about, for the run's report; notes are joined by {@code "; "}. */
    void note(String what) {
        if (observed.length() > 0) {
            observed.append("; ");
        }
        observed.append(what);
    }

    /** What was noted, in order. */
    String observed() {
        return observed.toString();
    }

    /** Reports that the fault could not be injected as planned, or did not do what it must. */
    void fail(String failure) {
        failures.accept(failure);
    }

    /** Waits out a fault; not cut short when the nemesis is closed, so the fault keeps its planned length. */
    static void parkFor(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** {@code nanos} as {@code "<n> ms"}, for notes. */
    static String millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
    }
}
