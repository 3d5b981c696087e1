package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.testkit.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The partition tier's short CI schedule: one run per backend in a private network namespace,
 * iptables dropping the packets of the links cut. Where that cannot run (not root, no
 * iptables), the run prints {@code SKIPPED partition tier: <reason>} and the test is reported
 * as skipped, never as passed.
 */
class TorturePartitionIT {

    private static final long SEED = 7;

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    void partitionsKeepEveryPromise(BackendKind backend) throws Exception {
        // ZooKeeper partitions last longer (a new leader, then a session timeout): fewer fit in 15 s.
        Duration duration = Duration.ofSeconds(backend == BackendKind.ZOOKEEPER ? 25 : 15);
        RunResult result = TortureRun.run(Scenario.of(backend, EnumSet.of(Fault.PARTITION), SEED, duration));
        System.out.println(result.summary());
        TortureAssertions.skipOnlyWhereAllowed(result.skipped().isPresent(), result.summary());
        // A ZooKeeper partition after which the majority elected no new leader (the leader cut
        // off), or the cut-off follower went on serving, is a problem, so this also checks that the
        // member really was cut off from its peers.
        assertThat(result.brokenPromises()).as(result.summary()).isEmpty();
        TortureAssertions.assertEveryFaultOccurred(result);
        if (backend == BackendKind.ZOOKEEPER) {
            assertThat(result.faults())
                    .extracting(FaultEvent::observed)
                    .as(result.summary())
                    .allMatch(o -> o.contains("led the majority after") || o.contains("kept leading the majority"))
                    .as("both shapes: " + result.summary())
                    .anyMatch(o -> o.contains("led the majority after"))
                    .anyMatch(o -> o.contains("stopped serving"));
        }
    }

    /**
     * A partition run whose JVM is killed (SIGKILL: no shutdown hook) leaves nothing behind: not
     * the isolated JVM, its servers or workers, not its network namespace (and so no iptables
     * rule), not a directory.
     */
    @Test
    void aKilledPartitionRunLeavesNoProcessNoNamespaceAndNoDirectory(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = dir.resolve("out.txt");
        Process run = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PartitionRunMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            Poll.until(
                    "the isolated run's workers are up, or the run ended",
                    Duration.ofSeconds(90),
                    () -> !run.isAlive() || workers(run) == 3);
            String output = Files.readString(out, StandardCharsets.UTF_8);
            TortureAssertions.skipOnlyWhereAllowed(output.contains("SKIPPED partition tier"), output);
            assertThat(run.isAlive()).as(output).isTrue();
            List<ProcessHandle> descendants = run.descendants().toList();
            // By its marker: the JDK reads no more than 4,096 characters of a command line.
            ProcessHandle isolated = descendants.stream()
                    .filter(p -> commandLine(p).contains("-Ddlock.torture.isolated="))
                    .findFirst()
                    .orElseThrow();
            String namespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(isolated.pid()), "ns", "net"))
                    .toString();
            assertThat(namespace)
                    .isNotEqualTo(
                            Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
            List<Path> records = List.of(records(run.pid()), records(isolated.pid()));
            assertThat(records).allMatch(Files::isDirectory);

            run.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            Poll.until("every process of the run is gone", Duration.ofSeconds(30), () -> descendants.stream()
                    .noneMatch(ProcessHandle::isAlive));
            Poll.until("its network namespace is gone", Duration.ofSeconds(30), () -> !inUse(namespace));
            Poll.until("its directories are gone", Duration.ofSeconds(30), () -> records.stream()
                    .noneMatch(Files::exists));
        } finally {
            run.destroyForcibly();
        }
    }

    private static long workers(Process run) {
        return run.descendants()
                .filter(p -> commandLine(p).contains("-Ddlock.torture.worker="))
                .count();
    }

    private static String commandLine(ProcessHandle process) {
        return process.info().commandLine().orElse("");
    }

    private static Path records(long pid) {
        return Path.of(
                System.getProperty("java.io.tmpdir"),
                "dlock-servers-" + System.getProperty("user.name", "user"),
                Long.toString(pid));
    }

    /** Whether any process of this machine is still in network namespace {@code namespace} ({@code net:[inode]}). */
    private static boolean inUse(String namespace) {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes
                    .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> {
                        try {
                            return Files.readSymbolicLink(p.resolve("ns").resolve("net"))
                                    .toString()
                                    .equals(namespace);
                        } catch (IOException | SecurityException gone) {
                            return false;
                        }
                    });
        } catch (IOException e) {
            return true; // cannot tell
        }
    }
}
