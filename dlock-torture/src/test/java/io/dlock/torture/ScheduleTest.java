package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nemesis's plan: fixed by the seed, inside the run, one fault at a time, on valid targets. */
class ScheduleTest {

    private final Scenario scenario = Scenario.of(
            BackendKind.REDLOCK,
            EnumSet.of(Fault.SERVER_CRASH, Fault.CLIENT_PAUSE, Fault.ROLLING_RESTART, Fault.LATENCY),
            42,
            Duration.ofSeconds(90));

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        assertThat(Schedule.plan(scenario, 3)).isEqualTo(Schedule.plan(scenario, 3));
        assertThat(Schedule.plan(scenario.withSeed(43), 3)).isNotEqualTo(Schedule.plan(scenario, 3));
    }

    @Test
    void faultsFollowOneAnotherInsideTheRunOnValidTargets() {
        List<Schedule.Planned> plan = Schedule.plan(scenario, 3);
        assertThat(plan).hasSizeGreaterThan(5);
        Duration previousEnd = Schedule.WARM_UP.minusMillis(1);
        for (Schedule.Planned planned : plan) {
            assertThat(planned.at()).isGreaterThan(previousEnd);
            previousEnd = planned.at().plus(planned.length());
            assertThat(previousEnd).isLessThanOrEqualTo(scenario.duration().minus(Schedule.COOL_DOWN));
            if (planned.fault() == Fault.LATENCY) {
                assertThat(planned.amount()).isBetween(Duration.ofMillis(20), Duration.ofMillis(200));
            } else if (planned.fault() == Fault.CLIENT_PAUSE) {
                assertThat(planned.target()).isBetween(1, scenario.workers());
                assertThat(planned.length()).isGreaterThan(scenario.lease());
            } else {
                assertThat(planned.target()).isBetween(0, 2);
                assertThat(planned.second()).isBetween(0, 2).isNotEqualTo(planned.target());
            }
        }
        assertThat(plan)
                .extracting(Schedule.Planned::fault)
                .contains(Fault.SERVER_CRASH, Fault.CLIENT_PAUSE, Fault.ROLLING_RESTART);
    }

    @Test
    void everyFaultOfTheScenarioComesOnceBeforeAnyComesTwice() {
        for (long seed = 1; seed <= 20; seed++) {
            Scenario mixed = Scenario.of(
                    BackendKind.REDLOCK, BackendKind.REDLOCK.toleratedFaults(), seed, Duration.ofMinutes(2));
            List<Fault> faults = Schedule.plan(mixed, 3).stream()
                    .map(Schedule.Planned::fault)
                    .toList();
            int kinds = mixed.faults().size() - 1; // all but NONE
            assertThat(faults).hasSizeGreaterThan(kinds);
            assertThat(faults.subList(0, kinds))
                    .as("seed " + seed)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(
                            mixed.faults().stream().filter(f -> f != Fault.NONE).toList());
        }
    }

    @Test
    void partitionsNameTheirSidesAsEachBackendNeeds() {
        for (BackendKind backend : BackendKind.values()) {
            Scenario partitions = Scenario.of(backend, EnumSet.of(Fault.PARTITION), 3, Duration.ofMinutes(2));
            List<Schedule.Planned> plan = Schedule.plan(partitions, backend == BackendKind.REDIS ? 1 : 3);
            assertThat(plan).hasSizeGreaterThan(5);
            for (Schedule.Planned planned : plan) {
                assertThat(planned.length())
                        .isBetween(
                                partitions.lease().multipliedBy(5).dividedBy(2),
                                partitions.lease().multipliedBy(4));
                if (backend == BackendKind.REDLOCK) {
                    assertThat(planned.target()).as("the node cut off").isBetween(0, 2);
                    assertThat(planned.second())
                            .as("the worker left with it, or none")
                            .isBetween(0, 3);
                } else {
                    assertThat(planned.target()).as("a worker").isBetween(1, 3);
                }
            }
            if (backend == BackendKind.REDLOCK) {
                assertThat(plan)
                        .extracting(Schedule.Planned::second)
                        .as("both shapes")
                        .contains(0)
                        .anyMatch(w -> w > 0);
            }
            if (backend == BackendKind.ZOOKEEPER) {
                assertThat(plan)
                        .extracting(Schedule.Planned::second)
                        .as("the leader and a follower cut off in turn")
                        .startsWith(Schedule.LEADER, Schedule.FOLLOWER, Schedule.LEADER, Schedule.FOLLOWER);
            }
        }
    }

    @Test
    void aQuietRunHasNoFaults() {
        assertThat(Schedule.plan(scenario.withFaults(EnumSet.of(Fault.NONE)), 3))
                .isEmpty();
    }

    @Test
    void scenariosRefuseFaultsTheirBackendCannotTake() {
        assertThatThrownBy(() ->
                        Scenario.of(BackendKind.REDIS, EnumSet.of(Fault.ROLLING_RESTART), 1, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ROLLING_RESTART");
    }

    @Test
    void controlsAreSetUpOnTheBackendTheyNeed() {
        assertThat(Scenario.control(WorkerMode.REDLOCK_WITHOUT_RESTART_DETECTION, 1, Duration.ofSeconds(10))
                        .backend())
                .isEqualTo(BackendKind.REDLOCK);
        assertThat(Scenario.control(WorkerMode.NO_FENCING, 1, Duration.ofSeconds(10))
                        .faults())
                .containsExactly(Fault.CLIENT_PAUSE);
    }
}
