package io.dlock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the command of {@code dlock run} so that all of its processes can be found and stopped
 * later: in a session of its own through setsid(1) where that is on the PATH and {@code /proc}
 * lists this system's processes (Linux), else as a plain child. Either way the command inherits
 * stdin, stdout and stderr.
 */
final class CommandLauncher {

    /** How commands start here. */
    private sealed interface Mode permits InSession, AsChild {}

    /** Through {@code setsid}, in a session of their own. */
    private record InSession(Path setsid) implements Mode {}

    /** As plain children, and why. */
    private record AsChild(String whyNoSession) implements Mode {}

    private final Mode mode;
    private final Optional<String> path;

    private CommandLauncher(Mode mode, Optional<String> path) {
        this.mode = mode;
        this.path = path;
    }

    /** The launcher for this system, with setsid(1) looked up on this process's PATH. */
    static CommandLauncher forThisSystem() {
        Optional<String> path = Optional.ofNullable(System.getenv("PATH"));
        Optional<Path> setsid = path.stream()
                .flatMap(p -> List.of(p.split(":")).stream())
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, "setsid"))
                .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
                .findFirst();
        if (setsid.isEmpty()) {
            return new CommandLauncher(new AsChild("no setsid on the PATH"), path);
        }
        if (!SessionProcesses.procIsUsable()) {
            return new CommandLauncher(new AsChild("no /proc listing this system's processes"), path);
        }
        return new CommandLauncher(new InSession(setsid.get()), path);
    }

    /**
     * Starts {@code command} with {@code environment} added to dlock's own.
     *
     * @throws CannotRunException when the command is not found or cannot be executed; where
     *     setsid(1) starts it, this is checked first, and a failure found only by setsid's own
     *     exec (a script's missing interpreter, say) shows as setsid's message and exit code,
     *     which are also 127 and 126
     */
    CommandProcesses start(List<String> command, Map<String, String> environment) throws CannotRunException {
        List<String> argv = new ArrayList<>();
        if (mode instanceof InSession session) {
            ExecutableLookup.check(command.get(0), path);
            // "--": a command whose name starts with '-' is not an option of setsid's
            argv.addAll(List.of(session.setsid().toString(), "--"));
        }
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().putAll(environment);
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw CannotRunException.from(e);
        }
        return mode instanceof AsChild child
                ? new DescendantProcesses(started, child.whyNoSession())
                : new SessionProcesses(started);
    }
}
