package io.dlock.torture;

import java.time.Duration;
import java.util.EnumSet;

/** A JVM that runs one long Redis partition scenario, for {@link TorturePartitionIT} to kill. */
final class PartitionRunMain {

    private PartitionRunMain() {}

    /** Runs the scenario and prints its summary. */
    public static void main(String[] args) throws InterruptedException {
        RunResult result =
                TortureRun.run(Scenario.of(BackendKind.REDIS, EnumSet.of(Fault.PARTITION), 7, Duration.ofMinutes(2)));
        System.out.println(result.summary());
    }
}
