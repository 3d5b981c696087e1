package io.dlock.torture;

import io.dlock.servers.ManagedProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The partition tier: runs a scenario with {@link Fault#PARTITION} (or another
 * {@link IsolatedTask}, such as {@link FollowerPartitionTrial}'s) in a JVM of its own inside a
 * fresh, private network namespace ({@code unshare -n}, loopback brought up), where
 * {@link Firewall} may change iptables rules without touching this machine's. Everything the run
 * starts (servers, proxies, workers) lives in that namespace; the namespace has no name and
 * disappears with its last process, rules and all, however the run ends.
 *
 * <p>It needs root, {@code unshare}, {@code ip}, {@code iptables} (with the owner, conntrack,
 * connmark and multiport matches) and {@code setpriv}. Without them it does not run the
 * scenario: it prints {@code SKIPPED partition tier: <reason>} on standard error and returns a
 * result that says so ({@link RunResult#skipped()}), which the results table shows; it never
 * passes silently.
 */
final class NetworkIsolation {

    /** Set in the isolated JVM (its value is the directory of the task it runs). */
    static final String INSIDE_PROPERTY = "dlock.torture.isolated";

    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String KEEP_PROPERTY = "dlock.torture.keep";
    /** Tries, in a namespace of its own, everything the tier does. */
    private static final String PROBE = """
            [ "$(id -u)" = 0 ] || { echo "not running as root (uid $(id -u)): unshare -n and iptables need root"; exit 1; }
            for tool in unshare ip iptables setpriv; do
              command -v $tool >/dev/null 2>&1 || { echo "$tool is not installed"; exit 1; }
            done
            unshare -n sh -c 'ip link set lo up \
              && iptables -w -N dlock-probe && iptables -w -I INPUT -j dlock-probe \
              && iptables -w -A OUTPUT -m owner --gid-owner 64001 -m conntrack --ctstate NEW -j CONNMARK --set-mark 1 \
              && iptables -w -A dlock-probe -p tcp -m connmark --mark 1 -m multiport --ports 9,10 -j DROP \
              && iptables -w -F dlock-probe && setpriv --regid=64001 --clear-groups -- true' 2>&1 \
              || { echo "(unshare -n with iptables and setpriv failed)"; exit 1; }
            """;

    private NetworkIsolation() {}

    /** Whether this JVM is the isolated one, inside the private network namespace. */
    static boolean inside() {
        return System.getProperty(INSIDE_PROPERTY) != null;
    }

    /** Why the tier cannot run on this machine; empty when it can. Found once per JVM. */
    static Optional<String> unavailable() {
        return Probe.UNAVAILABLE;
    }

    /** Probes on first use, once: the JVM initialises a class once, thread-safely. */
    private static final class Probe {
        static final Optional<String> UNAVAILABLE = probe();
    }

    private static Optional<String> probe() {
        try {
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", PROBE).redirectErrorStream(true);
            builder.environment().put("PATH", PATH);
            Process probe = builder.start();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!probe.waitFor(30, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return Optional.of("the probe of unshare -n and iptables did not finish in 30 s");
            }
            return probe.exitValue() == 0 ? Optional.empty() : Optional.of(output.replace('\n', ' '));
        } catch (IOException e) {
            return Optional.of("cannot run sh for the probe: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while probing");
        }
    }

    /**
     * Runs {@code scenario} in a JVM inside a fresh network namespace and returns its result, or
     * a skipped result (announced on standard error) when the tier cannot run here.
     *
     * @throws IllegalStateException if the isolated run failed without a result (its log's tail
     *     says why)
     * @throws InterruptedException if interrupted; the isolated JVM, and with it everything it
     *     started, is stopped
     */
    static RunResult run(Scenario scenario) throws InterruptedException {
        Optional<String> reason = unavailable();
        if (reason.isPresent()) {
            System.err.println("SKIPPED partition tier: " + reason.get());
            return RunResult.skipped(scenario, "partition tier: " + reason.get());
        }
        Outcome outcome = runInside(new ScenarioRun(scenario), Outcome.class);
        return new RunResult(scenario, outcome.check(), outcome.faults(), outcome.problems(), Optional.empty());
    }

    /**
     * Runs {@code task} in a JVM inside a fresh network namespace and returns what it returned
     * there. Callers check {@link #unavailable()} first.
     *
     * @throws IllegalStateException if the tier cannot run here, or the isolated JVM failed
     *     without a result (its log's tail says why)
     * @throws InterruptedException if interrupted; the isolated JVM, and with it everything it
     *     started, is stopped
     */
    static <R extends Serializable> R runInside(IsolatedTask<R> task, Class<R> resultType) throws InterruptedException {
        Optional<String> reason = unavailable();
        if (reason.isPresent()) {
            throw new IllegalStateException("the partition tier cannot run here: " + reason.get());
        }
        Path directory = ManagedProcesses.scratchDirectory("dlock-isolated-");
        try {
            Path taskFile = directory.resolve("task.bin");
            Path resultFile = directory.resolve("result.bin");
            Path log = directory.resolve("isolated.log");
            write(taskFile, task);
            Process process = start(directory, taskFile, resultFile, log);
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                stop(process);
                throw e;
            } finally {
                ManagedProcesses.unregister(process);
            }
            if (process.exitValue() != 0 || !Files.exists(resultFile)) {
                throw new IllegalStateException("the isolated run of " + task.description() + " failed (exit "
                        + process.exitValue() + "): " + tail(log));
            }
            return read(resultFile, resultType);
        } finally {
            ManagedProcesses.deleteQuietly(directory);
        }
    }

    /**
     * Work that runs inside the private network namespace, in a JVM of its own; it crosses to
     * that JVM serialized, and so does its result. Only the suite's own types and the JDK's are
     * read back ({@link #read}), so tasks and results live in this package.
     */
    interface IsolatedTask<R extends Serializable> extends Serializable {

        /** Does the work; runs where {@link #inside()} is true. */
        R runInside() throws InterruptedException;

        /** What the task is, for error messages. */
        String description();
    }

    /** A torture run of {@code scenario} in the namespace. */
    record ScenarioRun(Scenario scenario) implements IsolatedTask<Outcome> {

        @Override
        public Outcome runInside() throws InterruptedException {
            RunResult result = TortureRun.run(scenario);
            return new Outcome(result.check(), result.faults(), result.problems());
        }

        @Override
        public String description() {
            return scenario.backend() + " under " + scenario.faultLabel();
        }
    }

    /** What the isolated JVM hands back from a {@link ScenarioRun}. */
    record Outcome(CheckResult check, List<FaultEvent> faults, List<String> problems) implements Serializable {}

    private static Process start(Path directory, Path taskFile, Path resultFile, Path log) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String marker = "-D" + INSIDE_PROPERTY + "=" + directory;
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "-n",
                "--",
                "sh",
                "-c",
                "ip link set lo up && exec \"$@\"",
                "sh",
                java,
                marker,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        String keep = System.getProperty(KEEP_PROPERTY);
        if (keep != null) {
            command.add("-D" + KEEP_PROPERTY + "=" + keep);
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                IsolatedRun.class.getName(),
                taskFile.toString(),
                resultFile.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("PATH", PATH);
        try {
            Process process = builder.start();
            // unshare and sh exec the JVM: the process keeps its pid, and its command line carries the marker.
            ManagedProcesses.register(process, marker);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the isolated run", e);
        }
    }

    /** SIGTERM first, so the isolated JVM's shutdown hook stops what it started at once; then SIGKILL. */
    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void write(Path file, Serializable value) {
        try (OutputStream out = Files.newOutputStream(file);
                ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads what {@link #write} wrote; only the suite's own types and the JDK's are accepted. */
    static <T> T read(Path file, Class<T> type) {
        try (InputStream in = Files.newInputStream(file);
                ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(ObjectInputFilter.Config.createFilter("io.dlock.torture.*;java.base/*;!*"));
            return type.cast(objects.readObject());
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
