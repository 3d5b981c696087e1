package io.dlock.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes of a command started through setsid(1), on Linux: the command leads a session of
 * its own (its PID is the session's and its process group's ID), and every process it starts,
 * directly or not, stays in that session unless it makes a session of its own (as daemons do).
 * That stays true after the command exits: the session's members keep its ID, and the kernel does
 * not reuse a PID while it names a session. Members are found in {@code /proc}; they are signalled
 * by process group (the command's and any that job control made in the session), which the kernel
 * delivers atomically also to processes forking at that moment. Java cannot signal a group, so
 * the shell's {@code kill} does.
 */
final class SessionProcesses implements CommandProcesses {

    private static final Path PROC = Path.of("/proc");

    private final Process command;
    /** The groups that had SIGTERM. Only the thread that stops the command uses it. */
    private final Set<Long> terminatedGroups = new HashSet<>();
    /** Whether the command had SIGTERM by its PID, before it made its session. Only the stopping thread uses it. */
    private boolean commandTerminated;

    SessionProcesses(Process command) {
        this.command = command;
    }

    /** Whether {@code /proc} describes the processes of this JVM's PID namespace, which finding members needs. */
    static boolean procIsUsable() {
        try {
            return Files.readString(PROC.resolve("self").resolve("stat"))
                    .startsWith(ProcessHandle.current().pid() + " (");
        } catch (IOException noProc) {
            return false;
        }
    }

    @Override
    public Process command() {
        return command;
    }

    @Override
    public int running() {
        List<Member> members = members();
        return members.size() + (outsideItsSession(members) ? 1 : 0);
    }

    @Override
    public void terminate() throws IOException, InterruptedException {
        List<Member> members = members();
        Set<String> targets = new LinkedHashSet<>();
        for (Member member : members) {
            if (terminatedGroups.add(member.group())) {
                targets.add("-" + member.group());
            }
        }
        if (outsideItsSession(members) && !commandTerminated) {
            commandTerminated = true;
            targets.add(Long.toString(command.pid()));
        }
        signal("TERM", targets);
    }

    @Override
    public void kill() throws IOException, InterruptedException {
        List<Member> members = members();
        Set<String> targets = new LinkedHashSet<>();
        members.forEach(member -> targets.add("-" + member.group()));
        if (outsideItsSession(members)) {
            targets.add(Long.toString(command.pid()));
        }
        signal("KILL", targets);
    }

    @Override
    public Optional<String> limitation() {
        return Optional.empty();
    }

    /**
     * Whether the command runs but is not yet in its session: between its start and setsid's
     * call. A signal to its PID stops it then, with nothing else of it started yet.
     */
    private boolean outsideItsSession(List<Member> members) {
        return command.isAlive() && members.stream().noneMatch(member -> member.pid() == command.pid());
    }

    /** A running process of the command's session and its process group. */
    private record Member(long pid, long group) {}

    /** The running members of the command's session, from {@code /proc/PID/stat}. */
    private List<Member> members() {
        long session = command.pid();
        List<Member> members = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    stat(entry)
                            .filter(fields -> Long.parseLong(fields[3]) == session && isRunning(fields[0]))
                            .ifPresent(
                                    fields -> members.add(new Member(Long.parseLong(name), Long.parseLong(fields[2]))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the processes in " + PROC, e);
        }
        return members;
    }

    /**
     * The fields of {@code /proc/PID/stat} after the command name: state, parent, process group,
     * session, ...; empty when the process is gone. The name is in parentheses and may itself
     * contain spaces and parentheses, so the fields start after the last ')'.
     */
    private static Optional<String[]> stat(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        } catch (IOException gone) {
            // the process exited since the listing: no such file, or ESRCH while reading it
            return Optional.empty();
        }
    }

    /** Not a zombie (Z) and not dead (X, x): exited processes wait for their reaping in these states. */
    private static boolean isRunning(String state) {
        return !state.equals("Z") && !state.equals("X") && !state.equals("x");
    }

    /** Sends {@code signal} to {@code targets} (PIDs, and -PGID for a group) with the shell's kill. */
    private static void signal(String signal, Set<String> targets) throws IOException, InterruptedException {
        if (targets.isEmpty()) {
            return;
        }
        // A target gone meanwhile makes kill print "No such process"; the others still get the signal.
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- " + String.join(" ", targets))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
            throw new IOException("kill -s " + signal + " did not finish within 10 s");
        }
    }
}
