package io.dlock.cli;

import io.dlock.testkit.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes one process started, sampled while it runs: once it has exited its children
 * are re-parented and no longer found from it, so a test that wants to know what it left behind
 * must look while it is alive. Only this tree is looked at, never the whole machine, where
 * another build may run servers of its own. Not thread-safe.
 */
final class ProcessTree {

    private final Process root;
    private final Map<ProcessHandle, String> seen = new LinkedHashMap<>();

    ProcessTree(Process root) {
        this.root = root;
    }

    /**
     * Records the root's descendants as they are now, with their latest command lines: a process
     * caught between fork and exec still shows its parent's (or jspawnhelper's).
     */
    void sample() {
        root.descendants().forEach(p -> {
            seen.putIfAbsent(p, "");
            commandLine(p).ifPresent(command -> seen.put(p, command));
        });
    }

    /**
     * The command line as ps shows it, from {@code /proc/PID/cmdline} where there is one:
     * {@link ProcessHandle.Info#commandLine()} names the resolved executable instead and drops
     * a rewritten process title (Debian's redis-server shows as {@code redis-check-rdb}).
     */
    private static Optional<String> commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            if (raw.length > 0) {
                return Optional.of(new String(raw, StandardCharsets.UTF_8)
                        .replace('\0', ' ')
                        .trim());
            }
        } catch (IOException goneOrNotLinux) {
            // fall back to what the JDK knows
        }
        return process.info().commandLine();
    }

    /** Samples until the root has exited, failing after {@code within}. */
    void awaitExit(Duration within) {
        Poll.until("process " + root.pid() + " exits", within, () -> {
            sample();
            return !root.isAlive();
        });
    }

    /** Whether a descendant whose command line contains {@code text} was seen. */
    boolean saw(String text) {
        return seen.values().stream().anyMatch(command -> command.contains(text));
    }

    /** Whether a descendant whose command line is exactly {@code commandLine} was seen. */
    boolean sawCommand(String commandLine) {
        return seen.containsValue(commandLine);
    }

    /** Whether a descendant seen with exactly {@code commandLine} still runs. */
    boolean isRunning(String commandLine) {
        return seen.entrySet().stream().anyMatch(e -> e.getValue().equals(commandLine) && runs(e.getKey()));
    }

    /** The descendants seen that still run, PID and command line. */
    List<String> stillRunning() {
        return seen.entrySet().stream()
                .filter(e -> runs(e.getKey()))
                .map(e -> e.getKey().pid() + " " + e.getValue())
                .toList();
    }

    /**
     * Whether {@code process} runs: alive and, where {@code /proc} tells, not a zombie. The JDK
     * counts an exited process that waits for its reaping as alive, and orphans on this machine
     * wait seconds for init to reap them.
     */
    static boolean runs(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException goneOrNotLinux) {
            return process.isAlive();
        }
    }

    /** Kills every descendant seen that still runs, also those no longer below the root: clean-up for a failed test. */
    void killSurvivors() {
        seen.keySet().forEach(ProcessHandle::destroyForcibly);
    }

    /** The descendants seen, PID and command line, for failure messages. */
    @Override
    public String toString() {
        return seen.entrySet().stream()
                .map(e -> e.getKey().pid() + " " + e.getValue())
                .toList()
                .toString();
    }

    /** Waits until every descendant seen has exited, failing after {@code within} with the ones left. */
    void awaitNoneLeft(Duration within) {
        try {
            Poll.until("no process left of those " + root.pid() + " started", within, () -> seen.keySet().stream()
                    .noneMatch(ProcessTree::runs));
        } catch (AssertionError notYet) {
            throw new AssertionError(notYet.getMessage() + "; still running: " + stillRunning(), notYet);
        }
    }
}
