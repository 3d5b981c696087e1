package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition tier's parts that need no root: what goes between the JVMs, the guard that
 * keeps iptables rules out of the machine's own namespace, and how a skipped run is reported.
 */
class NetworkIsolationTest {

    @TempDir
    Path dir;

    private final Scenario scenario =
            Scenario.of(BackendKind.ZOOKEEPER, EnumSet.of(Fault.PARTITION), 7, Duration.ofSeconds(20));

    @Test
    void theScenarioAndTheOutcomeCrossBetweenTheJvmsIntact() {
        FaultEvent fault = new FaultEvent(Fault.PARTITION, "leader zk:1 and worker 2", 10, 20, "zk:2 led the majority");
        CheckResult check = new CheckResult(
                100,
                20,
                19,
                1,
                0,
                0,
                2,
                0,
                1,
                1,
                0,
                3,
                0,
                0,
                1,
                List.of(new Recovery(fault, Duration.ofMillis(40), true)),
                Duration.ofMillis(900),
                List.of("e.g."));
        NetworkIsolation.Outcome outcome = new NetworkIsolation.Outcome(check, List.of(fault), List.of("a problem"));

        NetworkIsolation.write(dir.resolve("scenario"), scenario);
        NetworkIsolation.write(dir.resolve("outcome"), outcome);

        assertThat(NetworkIsolation.read(dir.resolve("scenario"), Scenario.class))
                .isEqualTo(scenario);
        assertThat(NetworkIsolation.read(dir.resolve("outcome"), NetworkIsolation.Outcome.class))
                .isEqualTo(outcome);
    }

    @Test
    void onlyTheSuitesOwnTypesAndTheJdkBaseAreRead() {
        NetworkIsolation.write(dir.resolve("foreign"), Level.INFO); // serializable, from java.logging
        assertThatThrownBy(() -> NetworkIsolation.read(dir.resolve("foreign"), Level.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("REJECTED");
    }

    @Test
    void noRuleIsEverAddedOutsideThePrivateNamespace() {
        assertThat(NetworkIsolation.inside()).isFalse();
        assertThatThrownBy(Firewall::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("private network namespace");
    }

    @Test
    void aSkippedRunSaysSoInItsSummaryAndItsTableRowAndBreaksNoPromise() {
        RunResult skipped = RunResult.skipped(scenario, "partition tier: not running as root");
        assertThat(skipped.skipped()).contains("partition tier: not running as root");
        assertThat(skipped.brokenPromises()).isEmpty();
        assertThat(skipped.summary())
                .contains("ZOOKEEPER under PARTITION")
                .contains("SKIPPED partition tier: not running as root");
        assertThat(ResultsTable.markdown(List.of(skipped)))
                .contains("| zookeeper | PARTITION | correct, hold 5-60 ms | 1 |")
                .contains("| SKIPPED partition tier: not running as root |");
        assertThat(new RunResult(scenario, skipped.check(), List.of(), List.of(), Optional.empty()).brokenPromises())
                .as("the same empty run, not skipped, tested nothing")
                .isNotEmpty();
    }
}
