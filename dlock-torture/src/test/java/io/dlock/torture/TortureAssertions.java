package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/** What the torture ITs check beyond the broken promises: that the faults they name happened and did their work. */
final class TortureAssertions {

    private TortureAssertions() {}

    /**
     * The faults {@code backend} claims to tolerate, but partitions: those need a network
     * namespace and have runs of their own ({@code TorturePartitionIT}).
     */
    static Set<Fault> mixedFaults(BackendKind backend) {
        EnumSet<Fault> faults = EnumSet.copyOf(backend.toleratedFaults());
        faults.remove(Fault.PARTITION);
        return faults;
    }

    /**
     * Skips the test when the partition tier could not run here (not root, no iptables), unless
     * {@code DLOCK_REQUIRE_PARTITIONS=1} (CI sets it): there a skipped tier fails.
     */
    static void skipOnlyWhereAllowed(boolean skipped, String why) {
        if (skipped && "1".equals(System.getenv("DLOCK_REQUIRE_PARTITIONS"))) {
            throw new AssertionError(
                    "the partition tier must run here (DLOCK_REQUIRE_PARTITIONS=1) but was skipped: " + why);
        }
        Assumptions.assumeFalse(skipped, why);
    }

    /** Every kind of fault of the run's scenario was injected at least once. */
    static void assertEveryFaultOccurred(RunResult result) {
        Set<Fault> planned = EnumSet.copyOf(result.scenario().faults());
        planned.remove(Fault.NONE);
        assertThat(result.faults())
                .extracting(FaultEvent::fault)
                .as("faults injected: " + result.summary())
                .containsAll(planned);
    }

    /**
     * Client pauses past the lease did what the tests' names say: a paused holder was still in
     * its critical section when another process got the lock (exclusion broken), the store
     * refused its stale operations (fencing), and it was told it had lost the lock: its lease
     * read invalid when it woke (Redis, Redlock), or its release failed as lost (ZooKeeper, where
     * the woken holder releases before its client hears that its session expired, and a release
     * the server cannot confirm loses a session's lease).
     */
    static void assertPausedHoldersOverlappedAndFencingStoppedThem(RunResult result) {
        CheckResult check = result.check();
        assertThat(result.faults())
                .filteredOn(f -> f.fault() == Fault.CLIENT_PAUSE)
                .extracting(FaultEvent::observed)
                .as("a pause caught a holder: " + result.summary())
                .anyMatch(o -> o.startsWith("paused while"));
        assertThat(check.overlaps()).as("overlaps: " + result.summary()).isPositive();
        assertThat(check.staleHolders())
                .as("stale holders: " + result.summary())
                .isPositive();
        assertThat(check.staleRejected())
                .as("stale operations the store refused: " + result.summary())
                .isPositive();
        assertThat(check.staleHoldersTold())
                .as("stale holders told they lost the lock: " + result.summary())
                .isPositive();
        assertThat(check.staleWritesAccepted()).as("stale writes accepted").isZero();
    }
}
