package io.dlock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The processes of a command started as a plain child, where setsid(1) or {@code /proc} is
 * missing: the command and the processes descending from it whenever they are looked for, and
 * each of those until it exits. A process whose parent exited before it was seen is re-parented
 * and not found, so this misses what the command left running when it exited on its own.
 */
final class DescendantProcesses implements CommandProcesses {

    private final Process command;
    /** Why the command has no session of its own, e.g. "no setsid on the PATH". */
    private final String whyNoSession;
    /** Every process of the command seen so far: kept, as they cannot be found again once re-parented. */
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    /** The processes that had SIGTERM. Only the thread that stops the command uses it. */
    private final Set<ProcessHandle> terminated = new HashSet<>();

    DescendantProcesses(Process command, String whyNoSession) {
        this.command = command;
        this.whyNoSession = whyNoSession;
    }

    @Override
    public Process command() {
        return command;
    }

    @Override
    public int running() {
        return found().size();
    }

    @Override
    public void terminate() {
        found().stream().filter(terminated::add).forEach(ProcessHandle::destroy);
    }

    @Override
    public void kill() {
        found().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public Optional<String> limitation() {
        return Optional.of(whyNoSession + ", so the command has no session of its own: stopping it and the processes"
                + " descending from it; any whose parent has already exited is not found");
    }

    /** The processes of the command that run now, all found before any is signalled. */
    private List<ProcessHandle> found() {
        Stream.concat(Stream.of(command.toHandle()), command.descendants()).forEach(seen::add);
        return seen.stream().filter(DescendantProcesses::runs).toList();
    }

    /**
     * Alive and, where {@code /proc} tells, not a zombie: the JDK counts an exited process that
     * waits for its reaping as alive, and an orphan may wait long where init reaps slowly.
     */
    private static boolean runs(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException noProc) {
            // no /proc here (or the process just went): the JDK's answer is the best there is
            return process.isAlive();
        }
    }
}
