package io.dlock.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes sure no server process started by the kit outlives the JVM that started it.
 *
 * <p>Three layers: a shutdown hook kills what is still registered when the JVM exits; a
 * reaper shell process, one per JVM, waits for the JVM to disappear (also after {@code kill
 * -9}) and kills the registered processes within a second; and each JVM, on first use, sweeps
 * the records of JVMs that died before their reaper could act. Records are files named by PID
 * under {@code $TMPDIR/dlock-servers-$USER/<jvm pid>/}, holding a marker that must appear in the
 * process's command line, so a recycled PID is never killed. Temporary directories made with
 * {@link #scratchDirectory(String)} live under the same per-JVM directory and go with it.
 *
 * <p>Public for harnesses in other packages (the torture suite's worker JVMs); thread-safe.
 */
public final class ManagedProcesses {

    private static final Path ROOT =
            Path.of(System.getProperty("java.io.tmpdir"), "dlock-servers-" + System.getProperty("user.name", "user"));
    private static final long JVM_PID = ProcessHandle.current().pid();
    private static final Path OWN = ROOT.resolve(Long.toString(JVM_PID));
    private static final ConcurrentHashMap<Long, Process> LIVE = new ConcurrentHashMap<>();

    static {
        try {
            Files.createDirectories(OWN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + OWN, e);
        }
        sweepDeadJvms();
        startReaper();
        Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcesses::killAll, "dlock-servers-cleanup"));
    }

    private ManagedProcesses() {}

    /** Records {@code process}, whose command line contains {@code marker}, for clean-up. */
    public static void register(Process process, String marker) {
        LIVE.put(process.pid(), process);
        try {
            Files.writeString(OWN.resolve(Long.toString(process.pid())), marker, StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("cannot record process " + process.pid(), e);
        }
    }

    /** Forgets a process that has been stopped. */
    public static void unregister(Process process) {
        LIVE.remove(process.pid());
        try {
            Files.deleteIfExists(OWN.resolve(Long.toString(process.pid())));
        } catch (IOException ignored) {
            // the reaper and the next sweep check the command line before they kill
        }
    }

    /**
     * Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL}, {@code TERM}).
     *
     * @throws IllegalStateException if {@code kill} failed (e.g. no such process)
     */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + pid, e);
        }
    }

    /**
     * Creates a temporary directory that is deleted with this JVM's records: at exit, by the
     * reaper after a SIGKILL, or by the next JVM's sweep.
     */
    public static Path scratchDirectory(String prefix) {
        try {
            return Files.createTempDirectory(OWN, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory in " + OWN, e);
        }
    }

    private static void killAll() {
        for (Process process : List.copyOf(LIVE.values())) {
            process.destroyForcibly();
        }
        for (Process process : List.copyOf(LIVE.values())) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            unregister(process);
        }
        deleteQuietly(OWN);
    }

    private static void sweepDeadJvms() {
        try (Stream<Path> jvms = Files.list(ROOT)) {
            for (Path dir : jvms.toList()) {
                Optional<Long> pid = parsePid(dir);
                if (pid.isPresent()
                        && ProcessHandle.of(pid.get())
                                .map(ProcessHandle::isAlive)
                                .orElse(false)) {
                    continue;
                }
                try (Stream<Path> records = Files.list(dir)) {
                    for (Path record : records.toList()) {
                        parsePid(record).ifPresent(p -> killIfStill(p, readQuietly(record)));
                    }
                }
                deleteQuietly(dir);
            }
        } catch (IOException ignored) {
            // nothing to sweep
        }
    }

    private static void killIfStill(long pid, String marker) {
        ProcessHandle.of(pid)
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void startReaper() {
        String script = "jvm=" + JVM_PID + "; dir='" + OWN + "'\n"
                + "while kill -0 $jvm 2>/dev/null; do sleep 1; done\n"
                + "for f in \"$dir\"/*; do\n"
                + "  [ -f \"$f\" ] || continue; pid=$(basename \"$f\"); marker=$(cat \"$f\")\n"
                + "  if tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null | grep -qF -- \"$marker\"; then\n"
                + "    kill -9 $pid 2>/dev/null\n"
                + "  fi\n"
                + "done\n"
                + "rm -rf \"$dir\"\n";
        try {
            new ProcessBuilder("sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the process reaper", e);
        }
    }

    private static Optional<Long> parsePid(Path path) {
        try {
            return Optional.of(Long.parseLong(path.getFileName().toString()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "\0never matches\0";
        }
    }

    /** Deletes {@code path} and everything under it, ignoring failures (temporary files). */
    public static void deleteQuietly(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temporary files
        }
    }
}
