package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The torture suite's short CI schedule against one Redis node. */
class TortureRedisIT {

    private static final long SEED = 7;

    @Test
    void pausesSleepsNetworkFaultsAndClockJumpsKeepEveryPromise() throws Exception {
        RunResult result = TortureRun.run(Scenario.of(
                BackendKind.REDIS, TortureAssertions.mixedFaults(BackendKind.REDIS), SEED, Duration.ofSeconds(25)));
        System.out.println(result.summary());
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
    }

    @Test
    void crashesAndClientPausesBreakExclusionButFencingHolds() throws Exception {
        RunResult result = TortureRun.run(Scenario.of(
                BackendKind.REDIS, EnumSet.of(Fault.SERVER_CRASH, Fault.CLIENT_PAUSE), SEED, Duration.ofSeconds(20)));
        System.out.println(result.summary());
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
        TortureAssertions.assertPausedHoldersOverlappedAndFencingStoppedThem(result);
    }
}
