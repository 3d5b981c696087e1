package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The negative controls: deliberately broken uses of the locks that the checker must flag. A
 * checker that passes a broken lock is itself broken. Some flaws show only when a fault meets a
 * holder at the right moment (Redlock without restart detection needs a holder that holds
 * through a whole rolling restart), so a control gets up to {@value #SEEDS} seeded runs to be
 * flagged; every run must be free of harness problems.
 */
class TortureControlsIT {

    private static final long FIRST_SEED = 7;
    private static final int SEEDS = 3;

    @ParameterizedTest
    @EnumSource(value = WorkerMode.class, names = "CORRECT", mode = EnumSource.Mode.EXCLUDE)
    void theCheckerFlagsEveryBrokenVariant(WorkerMode mode) throws Exception {
        List<String> summaries = new ArrayList<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            RunResult result = TortureRun.run(Scenario.control(mode, seed, Duration.ofSeconds(15)));
            System.out.println(result.summary());
            assertThat(result.problems()).as(result.summary()).isEmpty();
            summaries.add(result.summary());
            if (result.controlFlagged()) {
                return;
            }
        }
        assertThat(summaries)
                .as("flagged in none of %d seeded runs: %s", SEEDS, summaries)
                .isEmpty();
    }
}
