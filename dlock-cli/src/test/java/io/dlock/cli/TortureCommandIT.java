package io.dlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlock torture} as the packaged command: it runs dlock-torture.jar, whose worker JVMs run
 * from that jar, prints the results table, and leaves no process or directory behind, even when
 * killed.
 */
class TortureCommandIT {

    private static final Path JAR = Path.of("target", "dlock.jar");

    @TempDir
    Path dir;

    @Test
    void aShortRunPrintsTheTableAndLeavesNothingBehind() throws Exception {
        assertThat(JAR)
                .as("the packaged command; integration tests run after 'package'")
                .isRegularFile();
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Path table = dir.resolve("table.md");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process dlock = new ProcessBuilder(List.of(
                        java,
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "torture",
                        "--backend",
                        "REDIS",
                        "--fault",
                        "SERVER_PAUSE",
                        "--no-controls",
                        "--duration",
                        "8s",
                        "--seed",
                        "3",
                        "--output",
                        table.toString()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        ProcessTree tree = new ProcessTree(dlock);
        tree.awaitExit(Duration.ofMinutes(3));
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(dlock.exitValue()).as(stdout + stderr).isZero();
        assertThat(stdout)
                .contains("| redis | SERVER_PAUSE | correct, hold 5-60 ms | 1 |")
                .contains("as claimed");
        assertThat(Files.readString(table, StandardCharsets.UTF_8)).isEqualTo(stdout);
        assertThat(stderr).contains("REDIS under SERVER_PAUSE, CORRECT, seed 3");
        assertThat(tree.saw("-Ddlock.torture.worker=")).as("worker JVMs seen").isTrue();
        tree.awaitNoneLeft(Duration.ofSeconds(30));
    }

    @Test
    void aRunKilledWithSigkillLeavesNoProcessAndNoDirectory() throws Exception {
        assertThat(JAR)
                .as("the packaged command; integration tests run after 'package'")
                .isRegularFile();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process dlock = new ProcessBuilder(List.of(
                        java,
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "torture",
                        "--backend",
                        "REDIS",
                        "--fault",
                        "CLIENT_PAUSE",
                        "--no-controls",
                        "--duration",
                        "60s"))
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        Path root = Path.of(
                System.getProperty("java.io.tmpdir"), "dlock-servers-" + System.getProperty("user.name", "user"));
        Path records = root.resolve(Long.toString(dlock.pid()));
        Poll.until(
                "the worker JVMs run",
                Duration.ofSeconds(60),
                () -> dlock.descendants()
                                .filter(p -> p.info()
                                        .commandLine()
                                        .map(c -> c.contains("-Ddlock.torture.worker="))
                                        .orElse(false))
                                .count()
                        == 3);
        List<ProcessHandle> children = dlock.descendants().toList();
        ProcessHandle tortureJvm = children.stream()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains("-Ddlock.torture.parent="))
                        .orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no torture JVM among " + children));
        Path tortureRecords = root.resolve(Long.toString(tortureJvm.pid()));
        assertThat(records).isDirectory();
        assertThat(tortureRecords).isDirectory();
        dlock.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Poll.until("every server and worker is gone", Duration.ofSeconds(30), () -> children.stream()
                .noneMatch(ProcessHandle::isAlive));
        Poll.until(
                "the run's directories are gone",
                Duration.ofSeconds(30),
                () -> !Files.exists(records) && !Files.exists(tortureRecords));
    }
}
