package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The torture suite's short CI schedule against a Redlock quorum of three Redis masters. */
class TortureRedlockIT {

    private static final long SEED = 7;

    @Test
    void minorityFaultsAndNetworkFaultsKeepEveryPromise() throws Exception {
        RunResult result = TortureRun.run(Scenario.of(
                BackendKind.REDLOCK, TortureAssertions.mixedFaults(BackendKind.REDLOCK), SEED, Duration.ofSeconds(30)));
        System.out.println(result.summary());
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
    }

    @Test
    void clientPausesBreakExclusionButFencingHolds() throws Exception {
        RunResult result = TortureRun.run(
                Scenario.of(BackendKind.REDLOCK, EnumSet.of(Fault.CLIENT_PAUSE), SEED, Duration.ofSeconds(15)));
        System.out.println(result.summary());
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
        TortureAssertions.assertPausedHoldersOverlappedAndFencingStoppedThem(result);
    }
}
