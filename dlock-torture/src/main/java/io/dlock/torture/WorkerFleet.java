package io.dlock.torture;

import io.dlock.servers.ManagedProcesses;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The worker JVMs of one run, started on this JVM's class path and registered with
 * {@link ManagedProcesses} so that none outlives the harness, also when it is killed. The
 * nemesis pauses and resumes them; the harness waits for them to finish at their stop time.
 */
final class WorkerFleet implements AutoCloseable {

    private static final Duration HOLD_POLL = Duration.ofMillis(1);

    private final List<Process> processes = new ArrayList<>();
    private final Path directory;

    private WorkerFleet(Path directory) {
        this.directory = directory;
    }

    /** Starts one JVM per configuration; histories and logs go to {@code directory}. */
    static WorkerFleet start(List<WorkerConfig> configs, Path directory) {
        WorkerFleet fleet = new WorkerFleet(directory);
        try {
            for (WorkerConfig config : configs) {
                fleet.launch(config);
            }
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    private void launch(WorkerConfig config) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String marker = "-Ddlock.torture.worker=" + directory.resolve("w" + config.id());
        List<String> command = new ArrayList<>(List.of(
                java,
                marker,
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                TortureWorker.class.getName()));
        command.addAll(config.toArgs());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            directory.resolve("w" + config.id() + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker JVM", e);
        }
        ManagedProcesses.register(process, marker);
        processes.add(process);
    }

    /** Stops worker {@code worker} (from 1) with SIGSTOP. */
    void pause(int worker) {
        ManagedProcesses.signal(processes.get(worker - 1).pid(), "STOP");
    }

    /** Continues worker {@code worker} with SIGCONT. */
    void resume(int worker) {
        ManagedProcesses.signal(processes.get(worker - 1).pid(), "CONT");
    }

    /** Jumps worker {@code worker}'s engine clock forward by {@code jump}, through its standard input. */
    void jumpClock(int worker, Duration jump) {
        OutputStream commands = processes.get(worker - 1).getOutputStream();
        try {
            commands.write(("jump " + jump.toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach worker " + worker, e);
        }
    }

    /**
     * Waits up to {@code within} until one of worker {@code worker}'s threads is in its hold
     * (its history's last line is an accepted read: it holds a lock and has yet to write), so a
     * pause can catch a holder in the act; returns which thread and lock, or empty if none was.
     */
    Optional<String> awaitHolding(int worker, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("w" + worker + ".t"))
                        .toList()) {
                    Optional<Op> last = lastOp(file);
                    if (last.isPresent()
                            && last.get().kind() == Op.Kind.READ
                            && last.get().outcome() == Op.Outcome.OK) {
                        return Optional.of(
                                last.get().process() + " held " + last.get().lock() + " (token "
                                        + last.get().token() + ") between its read and its write");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the histories in " + directory, e);
            }
            LockSupport.parkNanos(HOLD_POLL.toNanos());
        } while (System.nanoTime() - deadline < 0);
        return Optional.empty();
    }

    /** The last complete line of a history file, parsed; empty if it has none yet. */
    private static Optional<Op> lastOp(Path file) throws IOException {
        try (RandomAccessFile history = new RandomAccessFile(file.toFile(), "r")) {
            long length = history.length();
            int size = (int) Math.min(length, 1024);
            byte[] tail = new byte[size];
            history.seek(length - size);
            history.readFully(tail);
            String text = new String(tail, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return Optional.empty();
            }
            int start = text.lastIndexOf('\n', end - 1) + 1;
            if (start == 0 && length > size) {
                return Optional.empty(); // a line longer than the tail read; history lines never are
            }
            return Optional.of(Op.parse(text.substring(start, end)));
        }
    }

    /** Returns true when a worker has already exited: before the stop, that is a failure. */
    boolean anyExited() {
        return processes.stream().anyMatch(process -> !process.isAlive());
    }

    /** Tells every worker to finish its current cycle and exit, by closing its standard input. */
    void stopAll() {
        for (Process process : processes) {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /**
     * Waits up to {@code within} for every worker to exit; kills those still running.
     *
     * @return a description of each worker that failed or had to be killed, empty when all
     *     finished cleanly
     */
    List<String> awaitExit(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            long left = Math.max(0, deadline - System.nanoTime());
            if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                problems.add("worker " + (i + 1) + " did not stop in time and was killed: " + logTail(i + 1));
            } else if (process.exitValue() != 0) {
                problems.add("worker " + (i + 1) + " exited with " + process.exitValue() + ": " + logTail(i + 1));
            }
            ManagedProcesses.unregister(process);
        }
        return problems;
    }

    /** Every history line the workers wrote, each thread's in its order. */
    List<Op> history() {
        List<Op> ops = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".tsv"))
                    .sorted()
                    .toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    boolean last = i == lines.size() - 1;
                    if (!(last && isTruncated(lines.get(i)))) {
                        ops.add(Op.parse(lines.get(i)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the histories in " + directory, e);
        }
        return ops;
    }

    /** A worker killed while writing may leave half a line at the end of its file. */
    private static boolean isTruncated(String line) {
        try {
            Op.parse(line);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private String logTail(int worker) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("w" + worker + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Kills every worker still running (SIGCONT first, so a paused one can die). */
    @Override
    public void close() {
        for (Process process : processes) {
            if (process.isAlive()) {
                try {
                    ManagedProcesses.signal(process.pid(), "CONT");
                } catch (IllegalStateException exited) {
                    // gone between the check and the signal
                }
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ManagedProcesses.unregister(process);
        }
    }
}
