package io.dlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.servers.ManagedProcesses;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code dlock} command, run as a process from the packaged jar, against a real Redis. */
class DlockCommandIT {

    private static final Duration MARGIN = Duration.ofSeconds(5);
    private static final int SIGINT = 2;
    private static final Path JAR = Path.of("target", "dlock.jar");
    /** The checkout's launcher script; the tests run in the module's directory. */
    private static final Path LAUNCHER = Path.of("..", "dlock");

    private static RedisServer redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        assertThat(JAR)
                .as("the packaged command; integration tests run after 'package'")
                .isRegularFile();
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** Every process the current test started, stopped with what it started if the test failed midway. */
    private final List<Process> processes = new ArrayList<>();
    /** The trees the current test watched: what they saw is killed too, also orphans no longer below dlock. */
    private final List<ProcessTree> trees = new ArrayList<>();

    @AfterEach
    void stopLeftovers() throws InterruptedException {
        trees.forEach(ProcessTree::killSurvivors);
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Watches the processes {@code dlock} starts; they are killed after the test if it leaves any. */
    private ProcessTree watch(Dlock dlock) {
        ProcessTree tree = new ProcessTree(dlock.process);
        trees.add(tree);
        return tree;
    }

    /** Samples {@code tree} until it has seen processes with each of these exact command lines. */
    private static void awaitCommands(ProcessTree tree, String... commandLines) {
        Poll.until("processes " + List.of(commandLines) + " run", MARGIN.multipliedBy(3), () -> {
            tree.sample();
            return Stream.of(commandLines).allMatch(tree::sawCommand);
        });
    }

    /** A {@code dlock} process with stdout and stderr in files, and DLOCK_BACKEND set. */
    private final class Dlock {
        final Process process;
        final Path out;
        final Path err;

        Dlock(Map<String, String> environment, String... args) throws IOException {
            List<String> command =
                    new ArrayList<>(List.of(java(), "-jar", JAR.toAbsolutePath().toString()));
            command.addAll(List.of(args));
            out = Files.createTempFile(dir, "out", ".txt");
            err = Files.createTempFile(dir, "err", ".txt");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("DLOCK_BACKEND", redis.uri());
            builder.environment().putAll(environment);
            process = builder.start();
            processes.add(process);
        }

        Dlock(String... args) throws IOException {
            this(Map.of(), args);
        }

        int exit() throws InterruptedException {
            assertThat(process.waitFor(90, TimeUnit.SECONDS))
                    .as("dlock finished")
                    .isTrue();
            return process.exitValue();
        }

        String out() {
            return read(out);
        }

        String err() {
            return read(err);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A shell command that touches {@code started}, then waits until {@code release} exists. */
    private static String holdUntil(Path started, Path release) {
        return "touch '" + started + "'; " + awaitFile(release);
    }

    /**
     * Shell: wait until {@code file} exists, or two minutes at most, so that a command orphaned by
     * a failing test still ends.
     */
    private static String awaitFile(Path file) {
        return "n=0; while [ ! -f '" + file + "' ] && [ $n -lt 2400 ]; do sleep 0.05; n=$((n+1)); done";
    }

    /**
     * A shell command that runs {@code onTerm} on SIGTERM and exits with {@code code}, after
     * touching {@code started}; it waits up to two minutes in short foreground sleeps, which the
     * shell finishes before running the trap: no orphan can outlive it. ({@code sleep 60 & wait} with
     * {@code kill $!} in the trap still leaked the sleep now and then, presumably when the kill
     * came between its fork and its exec, while it still had the shell's handler.)
     */
    private static String trapTerm(String onTerm, int code, Path started) {
        // In the double-quoted trap, \$ keeps the body's variables for when the trap runs.
        return "trap \"" + onTerm.replace("$", "\\$") + "; exit " + code + "\" TERM; touch '" + started + "'; "
                + awaitFile(started.resolveSibling("never"));
    }

    private static boolean held(String lock) {
        return redis.command("HEXISTS", "dlock:{" + lock + "}", "owner").equals(":1");
    }

    @Test
    void ofTwoConcurrentRunsWithoutWaitingExactlyOneRunsItsCommand() throws Exception {
        Path started = dir.resolve("first-started");
        Path release = dir.resolve("release");
        Dlock first = new Dlock("run", "--lock", "cli:once", "--", "sh", "-c", holdUntil(started, release));
        Poll.until("the first command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        Path secondRan = dir.resolve("second-ran");
        Dlock second = new Dlock("run", "--lock", "cli:once", "--wait", "0", "--", "touch", secondRan.toString());
        assertThat(second.exit()).isEqualTo(ExitCodes.LOCK_NOT_ACQUIRED);
        assertThat(second.err()).contains("cli:once").contains("not acquired").contains("held by");
        assertThat(secondRan).doesNotExist();
        Files.createFile(release);
        assertThat(first.exit()).isZero();
    }

    @Test
    void withAWaitTheSecondRunsAfterTheFirst() throws Exception {
        Path started = dir.resolve("first-started");
        Path release = dir.resolve("release");
        Path firstDone = dir.resolve("first-done");
        Dlock first = new Dlock(
                "run",
                "--lock",
                "cli:after",
                "--",
                "sh",
                "-c",
                holdUntil(started, release) + "; touch '" + firstDone + "'");
        Poll.until("the first command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        Path secondSaw = dir.resolve("second-saw");
        Dlock second = new Dlock(
                "run",
                "--lock",
                "cli:after",
                "--wait",
                "60s",
                "--",
                "sh",
                "-c",
                "if [ -f '" + firstDone + "' ]; then echo first-done; else echo first-running; fi > '" + secondSaw
                        + "'");
        // The second dlock waits on the lock's release channel: it is waiting, not yet started.
        Poll.until("the second dlock waits", MARGIN.multipliedBy(3), () -> !redis.command(
                        "PUBSUB", "NUMSUB", "dlock:{cli:after}:released")
                .endsWith("\n0"));
        assertThat(secondSaw).doesNotExist();
        Files.createFile(release);
        assertThat(first.exit()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(secondSaw).as("what the second command saw when it started").hasContent("first-done");
    }

    @Test
    void theCommandSeesItsLockAndIncreasingTokensAndDlockExitsWithItsCode() throws Exception {
        Path tokens = dir.resolve("tokens");
        for (int i = 0; i < 3; i++) {
            Dlock run = new Dlock(
                    "run",
                    "--lock",
                    "cli:tokens",
                    "--",
                    "sh",
                    "-c",
                    "echo \"$DLOCK_LOCK $DLOCK_FENCING_TOKEN\" >> '" + tokens + "'; exit 7");
            assertThat(run.exit()).isEqualTo(7);
        }
        List<String> lines = Files.readAllLines(tokens);
        assertThat(lines).hasSize(3).allMatch(line -> line.startsWith("cli:tokens "));
        List<Long> seen = lines.stream()
                .map(line -> Long.parseLong(line.split(" ", -1)[1]))
                .toList();
        assertThat(seen).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aLostLeaseStopsTheCommandAndExitsWithTheLostCode() throws Exception {
        Path started = dir.resolve("started");
        Path terminated = dir.resolve("terminated");
        Duration lease = Duration.ofSeconds(1);
        Duration grace = Duration.ofSeconds(5);
        Dlock run = new Dlock(
                "run",
                "--lock",
                "cli:lost",
                "--lease",
                lease.toMillis() + "ms",
                "--grace",
                grace.toMillis() + "ms",
                "--",
                "sh",
                "-c",
                trapTerm("touch '" + terminated + "'", 9, started));
        Poll.until("the command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        long deleted = System.nanoTime();
        assertThat(redis.command("DEL", "dlock:{cli:lost}")).isEqualTo(":1");
        assertThat(run.exit()).isEqualTo(ExitCodes.LEASE_LOST);
        assertThat(Duration.ofNanos(System.nanoTime() - deleted))
                .as("stopped within lease + grace + margin")
                .isLessThan(lease.plus(grace).plus(MARGIN));
        assertThat(terminated).as("the command got SIGTERM").exists();
        assertThat(run.err())
                .contains("lost lock 'cli:lost'")
                .contains("was stopped")
                .doesNotContain("SIGKILL");
    }

    @Test
    void aCommandIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
        Path started = dir.resolve("started");
        Path pid = dir.resolve("pid");
        Duration lease = Duration.ofSeconds(2);
        Duration grace = Duration.ofSeconds(1);
        // exec keeps the PID and the ignored SIGTERM: only SIGKILL ends the sleep.
        Dlock run = new Dlock(
                "run",
                "--lock",
                "cli:killed",
                "--lease",
                lease.toMillis() + "ms",
                "--grace",
                grace.toMillis() + "ms",
                "--",
                "sh",
                "-c",
                "trap '' TERM; echo $$ > '" + pid + "'; touch '" + started + "'; exec sleep 60");
        Poll.until("the command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        ProcessHandle command =
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
        long deleted = System.nanoTime();
        assertThat(redis.command("DEL", "dlock:{cli:killed}")).isEqualTo(":1");
        assertThat(run.exit()).isEqualTo(ExitCodes.LEASE_LOST);
        assertThat(Duration.ofNanos(System.nanoTime() - deleted))
                .as("killed within lease + grace + margin")
                .isLessThan(lease.plus(grace).plus(MARGIN));
        assertThat(command.isAlive()).as("the command is gone").isFalse();
        assertThat(run.err())
                .contains("lost lock 'cli:killed'")
                .contains("ignored SIGTERM for 1000 ms; sending SIGKILL");
    }

    @Test
    void aLeaseFoundLostOnlyAtReleaseIsReportedAsSuchAndExitsWithTheLostCode() throws Exception {
        Path started = dir.resolve("started");
        Path release = dir.resolve("release");
        // A long lease: the watchdog's first renewal (at a third of it) comes long after the release.
        Dlock run =
                new Dlock("run", "--lock", "cli:late", "--lease", "60s", "--", "sh", "-c", holdUntil(started, release));
        Poll.until("the command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        assertThat(redis.command("DEL", "dlock:{cli:late}")).isEqualTo(":1");
        Files.createFile(release);
        assertThat(run.exit()).isEqualTo(ExitCodes.LEASE_LOST);
        assertThat(run.err())
                .contains("the command exited with code 0 on its own")
                .contains("may not have held the lock to its end")
                .doesNotContain("stopped");
    }

    @Test
    void aCommandThatCannotBeStartedExitsLikeEnvAndLeavesTheLockFree() throws Exception {
        Dlock missing = new Dlock(
                "run",
                "--lock",
                "cli:cannot",
                "--",
                dir.resolve("no-such-command").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.COMMAND_NOT_FOUND);
        assertThat(missing.err())
                .contains("cannot run")
                .contains("no-such-command")
                .contains("No such file or directory")
                .doesNotContain("\tat ");
        Path notExecutable = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\n");
        Dlock denied = new Dlock("run", "--lock", "cli:cannot", "--", notExecutable.toString());
        assertThat(denied.exit()).isEqualTo(ExitCodes.CANNOT_EXECUTE);
        assertThat(denied.err()).contains("cannot run").contains("Permission denied");
        assertThat(redis.command("HEXISTS", "dlock:{cli:cannot}", "owner"))
                .as("lock released")
                .isEqualTo(":0");
    }

    @Test
    void sigtermToDlockReachesTheCommandAndTheLockIsFreedAfterIt() throws Exception {
        Path started = dir.resolve("started");
        Path terminated = dir.resolve("terminated");
        Path proceed = dir.resolve("proceed");
        Path exiting = dir.resolve("exiting");
        // On SIGTERM the command tells us, waits for our check, and marks its exit as its last act.
        Dlock run = new Dlock(
                "run",
                "--lock",
                "cli:signal",
                "--grace",
                "120s",
                "--",
                "sh",
                "-c",
                trapTerm(
                        "touch '" + terminated + "'; " + awaitFile(proceed) + "; touch '" + exiting + "'", 0, started));
        Poll.until("the command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        assertThat(held("cli:signal")).isTrue();
        run.process.destroy();
        Poll.until("the command gets SIGTERM", MARGIN.multipliedBy(3), () -> Files.exists(terminated));
        assertThat(run.process.isAlive()).as("dlock waits for the command").isTrue();
        assertThat(exiting).as("the command still runs").doesNotExist();
        assertThat(held("cli:signal"))
                .as("the lock is held while the command still runs")
                .isTrue();
        Files.createFile(proceed);
        assertThat(run.exit()).as("128 + SIGTERM").isEqualTo(ExitCodes.TERMINATED);
        assertThat(exiting).as("the command ran to its exit").exists();
        assertThat(held("cli:signal")).as("lock released").isFalse();
    }

    /** A pipeline writing a dump, as in {@code pg_dump | gzip > f}: its processes show as these two command lines. */
    private String pipeline() {
        return "sleep 3601 | gzip -c > '" + dir.resolve("dump.gz") + "'";
    }

    @Test
    void aLostLeaseStopsEveryProcessOfTheCommandBeforeDlockExits() throws Exception {
        Path started = dir.resolve("started");
        Duration lease = Duration.ofSeconds(2);
        Duration grace = Duration.ofSeconds(1);
        // The pipeline in the foreground, and in the background a grandchild that ignores SIGTERM.
        Dlock run = new Dlock(
                "run",
                "--lock",
                "cli:lost-tree",
                "--lease",
                lease.toMillis() + "ms",
                "--grace",
                grace.toMillis() + "ms",
                "--",
                "sh",
                "-c",
                "(trap '' TERM; exec sleep 3603) & touch '" + started + "'; " + pipeline());
        ProcessTree tree = watch(run);
        awaitCommands(tree, "sleep 3601", "gzip -c", "sleep 3603");
        long deleted = System.nanoTime();
        assertThat(redis.command("DEL", "dlock:{cli:lost-tree}")).isEqualTo(":1");
        tree.awaitExit(lease.plus(grace).plus(MARGIN.multipliedBy(3)));
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.LEASE_LOST);
        assertThat(Duration.ofNanos(System.nanoTime() - deleted))
                .as("stopped within lease + grace + margin")
                .isLessThan(lease.plus(grace).plus(MARGIN));
        assertThat(tree.stillRunning())
                .as("processes of the command running when dlock exited; its stderr: %s", run.err())
                .isEmpty();
        assertThat(run.err())
                .contains("lost lock 'cli:lost-tree'")
                .contains("was stopped")
                .contains("ignored SIGTERM for 1000 ms; sending SIGKILL");
    }

    @Test
    void sigtermToDlockStopsEveryProcessOfTheCommandAndFreesTheLockAfterTheLast() throws Exception {
        Path started = dir.resolve("started");
        Path terminated = dir.resolve("terminated");
        Path proceed = dir.resolve("proceed");
        // On SIGTERM the background grandchild tells us and waits for our check: it outlives its parent.
        String grandchild = "(" + trapTerm("touch '" + terminated + "'; " + awaitFile(proceed), 0, started) + ") & ";
        Dlock run = new Dlock(
                "run", "--lock", "cli:signal-tree", "--grace", "120s", "--", "sh", "-c", grandchild + pipeline());
        ProcessTree tree = watch(run);
        awaitCommands(tree, "sleep 3601", "gzip -c");
        Poll.until("the grandchild runs", MARGIN.multipliedBy(3), () -> {
            tree.sample();
            return Files.exists(started);
        });
        ProcessHandle command = run.process.children().findFirst().orElseThrow();
        assertThat(held("cli:signal-tree")).isTrue();
        run.process.destroy();
        Poll.until("the grandchild gets SIGTERM", MARGIN.multipliedBy(3), () -> Files.exists(terminated));
        Poll.until(
                "the command and its pipeline are gone",
                MARGIN.multipliedBy(3),
                () -> !ProcessTree.runs(command) && !tree.isRunning("sleep 3601") && !tree.isRunning("gzip -c"));
        assertThat(run.process.isAlive()).as("dlock waits for the grandchild").isTrue();
        assertThat(held("cli:signal-tree"))
                .as("the lock is held while the grandchild runs")
                .isTrue();
        Files.createFile(proceed);
        tree.awaitExit(MARGIN.multipliedBy(3));
        assertThat(run.exit()).as("128 + SIGTERM").isEqualTo(ExitCodes.TERMINATED);
        assertThat(tree.stillRunning())
                .as("processes of the command running when dlock exited; its stderr: %s", run.err())
                .isEmpty();
        assertThat(held("cli:signal-tree")).as("lock released").isFalse();
    }

    @Test
    void processesLeftRunningByACommandThatExitedAreStoppedBeforeTheRelease() throws Exception {
        Path started = dir.resolve("started");
        Path terminated = dir.resolve("terminated");
        Path proceed = dir.resolve("proceed");
        Path pid = dir.resolve("pid");
        // The command starts a background grandchild, waits until it runs, and exits 3 without it.
        String grandchild = "(" + trapTerm("touch '" + terminated + "'; " + awaitFile(proceed), 0, started) + ") & ";
        Dlock run = new Dlock(
                "run",
                "--lock",
                "cli:leftover",
                "--grace",
                "120s",
                "--",
                "sh",
                "-c",
                grandchild + "echo $! > '" + pid + "'; " + awaitFile(started) + "; exit 3");
        Poll.until("the grandchild runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        ProcessHandle left =
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
        try {
            Poll.until(
                    "the grandchild gets SIGTERM after the command exited",
                    MARGIN.multipliedBy(3),
                    () -> Files.exists(terminated));
            assertThat(run.process.isAlive())
                    .as("dlock waits for the grandchild")
                    .isTrue();
            assertThat(held("cli:leftover"))
                    .as("the lock is held while the grandchild runs")
                    .isTrue();
            Files.createFile(proceed);
            assertThat(run.exit()).as("the command's own code").isEqualTo(3);
            assertThat(ProcessTree.runs(left))
                    .as("the grandchild is gone when dlock exits")
                    .isFalse();
            assertThat(held("cli:leftover")).as("lock released").isFalse();
            assertThat(run.err()).contains("the command exited with code 3").contains("left");
        } finally {
            left.destroyForcibly();
        }
    }

    @Test
    void withoutSetsidALostLeaseStillStopsTheCommandAndItsDescendants() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        for (String tool : List.of("sh", "sleep", "gzip", "touch")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        Duration lease = Duration.ofSeconds(2);
        Duration grace = Duration.ofSeconds(5);
        Dlock run = new Dlock(
                Map.of("PATH", bin.toString()),
                "run",
                "--lock",
                "cli:no-setsid",
                "--lease",
                lease.toMillis() + "ms",
                "--grace",
                grace.toMillis() + "ms",
                "--",
                "sh",
                "-c",
                pipeline());
        ProcessTree tree = watch(run);
        awaitCommands(tree, "sleep 3601", "gzip -c");
        assertThat(redis.command("DEL", "dlock:{cli:no-setsid}")).isEqualTo(":1");
        tree.awaitExit(lease.plus(grace).plus(MARGIN.multipliedBy(3)));
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.LEASE_LOST);
        assertThat(tree.stillRunning())
                .as("processes of the command running when dlock exited; its stderr: %s", run.err())
                .isEmpty();
        assertThat(run.err()).contains("lost lock 'cli:no-setsid'").contains("no setsid");
    }

    @Test
    void statusShowsTheHolderAsTextAndJsonWithExitCodes() throws Exception {
        Path started = dir.resolve("started");
        Path release = dir.resolve("release");
        Dlock holder = new Dlock("run", "--lock", "cli:status", "--", "sh", "-c", holdUntil(started, release));
        Poll.until("the command runs", MARGIN.multipliedBy(3), () -> Files.exists(started));
        Dlock text = new Dlock("status", "cli:status");
        assertThat(text.exit()).isEqualTo(ExitCodes.OK);
        assertThat(text.out()).contains("NAME").contains("cli:status").contains("held");
        Dlock json = new Dlock("status", "--json", "cli:status", "cli:free");
        assertThat(json.exit()).isEqualTo(ExitCodes.FREE);
        assertThat(json.out())
                .contains("\"name\": \"cli:status\", \"held\": true")
                .contains("\"name\": \"cli:free\", \"held\": false");
        Files.createFile(release);
        assertThat(holder.exit()).isZero();
    }

    @Test
    void badInputGetsOneClearLineAndAUsageExitCode() throws Exception {
        Dlock unknownOption = new Dlock("run", "--lock", "x", "--frobnicate", "--", "true");
        assertThat(unknownOption.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknownOption.err()).contains("--frobnicate").doesNotContain("\tat ");

        Dlock badScheme = new Dlock("status", "--backend", "mongodb://localhost", "x");
        assertThat(badScheme.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badScheme.err().lines().count()).isEqualTo(1);
        assertThat(badScheme.err()).contains("mongodb").doesNotContain("\tat ");

        Dlock badWait = new Dlock("run", "--lock", "x", "--wait", "soon", "--", "true");
        assertThat(badWait.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badWait.err()).contains("--wait").contains("soon");

        Dlock noBackend = new Dlock(Map.of("DLOCK_BACKEND", ""), "status", "x");
        assertThat(noBackend.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noBackend.err()).contains("DLOCK_BACKEND");
    }

    @Test
    void anUnreachableServerIsOneLineWithoutStackTrace() throws Exception {
        Dlock dead = new Dlock("status", "--backend", "redis://:secret@127.0.0.1:1", "x");
        assertThat(dead.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(dead.err().lines().count()).isEqualTo(1);
        assertThat(dead.err()).contains("127.0.0.1:1").contains("unreachable").doesNotContain("secret");
    }

    @Test
    void benchMeasuresAndReportsPercentiles() throws Exception {
        Dlock bench = new Dlock("bench", "--duration", "1s", "--threads", "2", "--json");
        assertThat(bench.exit()).isZero();
        assertThat(bench.out())
                .contains("\"threads\": 2")
                .contains("\"p50Micros\"")
                .contains("\"p999Micros\"");
        assertThat(bench.out()).doesNotContain("\"operations\": 0,");
        assertThat(bench.err()).as("no progress when stderr is not a terminal").doesNotContain("acquire+release");
    }

    @Test
    void benchStopsAtTheFirstBackendFailureWithTheUnavailableCode() throws Exception {
        Duration acquireWait = Duration.ofSeconds(30); // what bench gives one acquisition
        try (RedisServer doomed = RedisServer.start()) {
            Dlock bench =
                    new Dlock("bench", "--backend", doomed.uri(), "--duration", "300s", "--threads", "2", "--progress");
            Poll.until("bench shows progress", MARGIN.multipliedBy(3), () -> bench.err()
                    .contains("acquire+release"));
            long killed = System.nanoTime();
            doomed.kill();
            assertThat(bench.exit()).as(bench.err()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - killed))
                    .as("stopped long before --duration")
                    .isLessThan(acquireWait.plus(MARGIN.multipliedBy(3)));
            List<String> errors = bench.err()
                    .lines() // lines() also splits at the progress line's \r
                    .filter(line -> line.startsWith("dlock: "))
                    .toList();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0))
                    .contains(doomed.hostAndPort())
                    .contains("unreachable")
                    .doesNotContain("Exception");
            assertThat(bench.out()).as("no result").isEmpty();
        }
    }

    @Test
    void versionAndHelpWork() throws Exception {
        String expected = System.getProperty("dlock.version");
        assertThat(expected)
                .as("the project version, passed by the pom as dlock.version")
                .isNotBlank();
        Dlock version = new Dlock("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("dlock " + expected + "\n");
        Dlock help = new Dlock("run", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--lock").contains("--wait");
    }

    @Test
    void theLauncherRunsThroughSymlinksOnThePath() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path links = Files.createDirectory(dir.resolve("links"));
        // bin/dlock -> ../links/dlock (relative) -> the checkout's launcher
        Files.createSymbolicLink(links.resolve("dlock"), LAUNCHER.toAbsolutePath());
        Files.createSymbolicLink(bin.resolve("dlock"), Path.of("..", "links", "dlock"));
        // Without readlink -f (older macOS) the launcher follows the links one by one.
        Path noReadlinkF = Files.createDirectory(dir.resolve("no-readlink-f"));
        Path readlink = Files.writeString(
                noReadlinkF.resolve("readlink"),
                "#!/bin/sh\n[ \"$1\" = -f ] && exit 1\nexec " + which("readlink") + " \"$@\"\n");
        assertThat(readlink.toFile().setExecutable(true)).isTrue();
        for (String path : List.of(bin.toString(), noReadlinkF + ":" + bin)) {
            Process launcher = launch(path + ":" + System.getenv("PATH"), "dlock --version");
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).as(path).isZero();
            assertThat(new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .startsWith("dlock " + System.getProperty("dlock.version"));
        }
    }

    @Test
    void theLauncherWithoutTheJarSaysHowToBuildItWithItsOwnCode() throws Exception {
        Path copy = Files.copy(LAUNCHER, dir.resolve("dlock"));
        Process launcher = launch(System.getenv("PATH"), "sh '" + copy + "' --version");
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(ExitCodes.LAUNCHER_CONFIG);
        assertThat(new String(launcher.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("dlock.jar is missing")
                .contains("./mvnw -q package");
    }

    /** Runs {@code script} with {@code sh} on {@code path}, with JAVA_HOME set to this JVM's. */
    private Process launch(String path, String script) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).directory(dir.toFile());
        builder.environment().put("PATH", path);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static String which(String tool) {
        return List.of("/bin", "/usr/bin").stream()
                .map(d -> Path.of(d, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow()
                .toString();
    }

    @Test
    void everyHelpListsTheExitCodesOfItsCommand() throws Exception {
        for (String command : List.of("dlock", "run", "status", "demo", "bench", "torture")) {
            Dlock help = command.equals("dlock") ? new Dlock("--help") : new Dlock(command, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).as(command).contains("Exit codes:");
            String codes = help.out().substring(help.out().indexOf("Exit codes:"));
            Map<String, String> expected = ExitCodes.listFor(command);
            assertThat(expected).as(command).isNotEmpty();
            expected.forEach((code, meaning) -> assertThat(codes)
                    .as(command)
                    .containsPattern(
                            "(?m)^  " + Pattern.quote(code) + " +" + Pattern.quote(meaning.split(" ", -1)[0])));
        }
        assertThat(ExitCodes.listFor("dlock")).containsKeys("1", "75", "76", "130/143");
    }

    @Test
    void theDemoRunsWithoutRedisOnThePathTellsItsStoryAndLeavesNoProcess() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        for (String tool : List.of("sh", "kill", "sleep", "tr", "grep", "cat", "basename", "rm")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        Dlock demo = new Dlock(Map.of("PATH", bin.toString(), "REDIS_SERVER", ""), "demo");
        ProcessTree tree = new ProcessTree(demo.process);
        tree.awaitExit(Duration.ofSeconds(90));
        assertThat(demo.exit()).as("demo exit code; stderr: %s", demo.err()).isZero();
        assertThat(tree.saw("redis-server")).as("Redis servers among %s", tree).isTrue();
        assertThat(tree.saw("QuorumPeerMain"))
                .as("a ZooKeeper server among %s", tree)
                .isTrue();
        tree.awaitNoneLeft(MARGIN.multipliedBy(6));

        String out = demo.out();
        assertThat(part(out, 1))
                .contains("Redlock")
                .contains("redis-server-6.2")
                .contains("acquired 'demo:report'");
        String stoppedFirst = only(part(out, 2), "stopped (redis://\\S+)");
        String stoppedSecond = only(part(out, 3), "stopped (redis://\\S+)");
        // The Redlock backend's connection report, logged at INFO, is told in the story, indented under its heading
        // line.
        Matcher started = Pattern.compile("started (redis://\\S+)").matcher(part(out, 1));
        List<String> nodes = new ArrayList<>();
        while (started.find()) {
            nodes.add(started.group(1));
        }
        assertThat(nodes).hasSize(3).contains(stoppedFirst, stoppedSecond);
        for (String node : nodes) {
            assertThat(part(out, 1)).containsPattern("(?m)^ {5}node " + Pattern.quote(node) + " connected$");
            assertThat(part(out, 2))
                    .containsPattern("(?m)^ {5}node " + Pattern.quote(node)
                            + (node.equals(stoppedFirst) ? " unreachable: Connection refused$" : " connected$"));
            assertThat(part(out, 3))
                    .containsPattern("(?m)^ {5}node " + Pattern.quote(node)
                            + (node.equals(stoppedFirst) || node.equals(stoppedSecond)
                                    ? " unreachable: Connection refused$"
                                    : " connected$"));
        }
        assertThat(part(out, 1)).containsPattern("(?m)^ {5}Redlock with 3/3 usable nodes$");
        assertThat(part(out, 2)).containsPattern("(?m)^ {5}Redlock with 2/3 usable nodes$");
        assertThat(part(out, 3)).containsPattern("(?m)^ {5}Redlock with 1/3 usable nodes$");
        assertThat(demo.err())
                .as("the report is not also logged")
                .doesNotContain("usable nodes")
                .doesNotContain(" INFO ")
                .doesNotContain("SLF4J");
        String refusal = only(part(out, 3), "(?m)^\\s+(Redlock needs a majority.*)$");
        String unreachable = refusal.substring(refusal.indexOf("unreachable: "));
        assertThat(unreachable).as(refusal).contains(stoppedFirst).contains(stoppedSecond);
        assertThat(refusal.substring(0, refusal.indexOf("unreachable: ")))
                .as(refusal)
                .doesNotContain(stoppedFirst)
                .doesNotContain(stoppedSecond);

        String fencing = part(out, 4);
        long fresh = Long.parseLong(only(fencing, "B writes with token (\\d+): accepted"));
        long stale = Long.parseLong(only(fencing, "A writes with token (\\d+): REJECTED"));
        assertThat(stale).isLessThan(fresh);
        assertThat(fencing).contains("the store keeps B's value");

        String queue = part(out, 5);
        Matcher acquired = Pattern.compile("(\\w) acquires with token (\\d+)").matcher(queue);
        List<String> order = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        while (acquired.find()) {
            order.add(acquired.group(1));
            tokens.add(Long.parseLong(acquired.group(2)));
        }
        assertThat(order).containsExactly("A", "B", "C");
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
        assertThat(queue).contains("order of acquisition: A, B, C");
    }

    @Test
    void ctrlCStopsTheDemoAndEveryServerItStartedWithoutAnError() throws Exception {
        Dlock demo = new Dlock("demo");
        ProcessTree tree = new ProcessTree(demo.process);
        // Part 4 waits seconds for restarted nodes and for a lease to run out: time to interrupt it.
        Poll.until("the demo restarts two nodes", Duration.ofSeconds(60), () -> {
            tree.sample();
            return demo.out().contains("restarted both nodes");
        });
        assertThat(tree.saw("redis-server"))
                .as("Redis servers among %s; stdout: %s", tree, demo.out())
                .isTrue();
        assertSigintIsHandled(demo.process);
        ManagedProcesses.signal(demo.process.pid(), "INT");
        tree.awaitExit(MARGIN.multipliedBy(6));
        assertThat(demo.exit()).as("128 + SIGINT; stderr: %s", demo.err()).isEqualTo(ExitCodes.INTERRUPTED);
        tree.awaitNoneLeft(MARGIN.multipliedBy(6));
        assertThat(demo.err())
                .contains("dlock demo: interrupted; stopping every server it started")
                .doesNotContain("Shutdown in progress")
                .doesNotContain("IllegalStateException");
        assertThat(demo.err().lines().filter(line -> line.startsWith("dlock: ")))
                .as("error lines")
                .isEmpty();
        assertThat(demo.out()).doesNotContain("Done.");
    }

    /** Fails clearly where SIGINT is ignored, as in a job started with {@code &} by a non-interactive shell. */
    private static void assertSigintIsHandled(Process process) throws IOException {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!Files.exists(status)) {
            return; // not Linux: nothing to read it from
        }
        String ignored = Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("SigIgn:"))
                .findFirst()
                .orElseThrow()
                .split("\\s+", -1)[1];
        assertThat(new BigInteger(ignored, 16).testBit(SIGINT - 1))
                .as(
                        "SIGINT is ignored by the processes of this build (started in the background?): it cannot test Ctrl-C")
                .isFalse();
    }

    /** The demo's part {@code number}: from its heading to the next one. */
    private static String part(String out, int number) {
        Matcher part =
                Pattern.compile("(?ms)^" + number + "\\. .*?(?=^\\d+\\. |\\z)").matcher(out);
        assertThat(part.find()).as("part %d in:%n%s", number, out).isTrue();
        return part.group();
    }

    /** The first group of the one match of {@code regex} in {@code text}. */
    private static String only(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("%s in:%n%s", regex, text).isTrue();
        String found = matcher.group(1);
        assertThat(matcher.find()).as("a second %s in:%n%s", regex, text).isFalse();
        return found;
    }
}
