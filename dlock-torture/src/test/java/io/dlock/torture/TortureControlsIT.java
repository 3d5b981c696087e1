package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The negative controls: deliberately broken uses of the locks that the checker must flag in
 * every run. A checker that passes a broken lock is itself broken.
 */
class TortureControlsIT {

    private static final long SEED = 7;

    @ParameterizedTest
    @EnumSource(value = WorkerMode.class, names = "CORRECT", mode = EnumSource.Mode.EXCLUDE)
    void theCheckerFlagsEveryBrokenVariant(WorkerMode mode) throws Exception {
        RunResult result = TortureRun.run(Scenario.control(mode, SEED, Duration.ofSeconds(15)));
        System.out.println(result.summary());
        assertThat(result.problems()).as(result.summary()).isEmpty();
        assertThat(result.controlFlagged()).as("flagged: " + result.summary()).isTrue();
    }
}
