package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The torture suite's short CI schedule against a three-server ZooKeeper ensemble. */
class TortureZooKeeperIT {

    private static final long SEED = 7;

    @Test
    void minorityFaultsSessionExpiriesAndNetworkFaultsKeepEveryPromise() throws Exception {
        RunResult result = TortureRun.run(Scenario.of(
                BackendKind.ZOOKEEPER,
                TortureAssertions.mixedFaults(BackendKind.ZOOKEEPER),
                SEED,
                Duration.ofSeconds(30)));
        System.out.println(result.summary());
        // A cut-off whose session the servers did not expire is a problem, so this also checks that.
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
        assertThat(result.faults())
                .filteredOn(f -> f.fault() == Fault.CLIENT_CUT_OFF)
                .extracting(FaultEvent::observed)
                .as("server-side expiry seen")
                .allMatch(o -> o.contains("expired on the servers"));
    }

    @Test
    void clientPausesBreakExclusionButFencingHolds() throws Exception {
        RunResult result = TortureRun.run(
                Scenario.of(BackendKind.ZOOKEEPER, EnumSet.of(Fault.CLIENT_PAUSE), SEED, Duration.ofSeconds(15)));
        System.out.println(result.summary());
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
        TortureAssertions.assertPausedHoldersOverlappedAndFencingStoppedThem(result);
    }
}
