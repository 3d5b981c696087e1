package io.dlock.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a command the way execvp(3) does, so that {@code dlock run} can tell a command that is not
 * found (127) from one that cannot be executed (126) before it hands the command to setsid(1),
 * whose own exec would report either only as its exit code and its own message.
 */
final class ExecutableLookup {

    /** What execvp(3) searches when PATH is not set. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ExecutableLookup() {}

    /**
     * Returns normally when {@code command} names an executable file, directly (when it contains a
     * slash) or in a directory of {@code path} (an empty entry meaning the working directory).
     *
     * @throws CannotRunException not found (nothing of that name) or not executable (only files
     *     that are directories or lack execute permission), with the system's words for each
     */
    static void check(String command, Optional<String> path) throws CannotRunException {
        if (command.contains("/")) {
            Path file = Path.of(command);
            if (!Files.exists(file)) {
                throw notFound();
            }
            if (!isExecutableFile(file)) {
                throw denied();
            }
            return;
        }
        boolean sawDenied = false;
        if (!command.isEmpty()) {
            for (String directory : path.orElse(DEFAULT_PATH).split(":", -1)) {
                Path candidate = Path.of(directory.isEmpty() ? "." : directory, command);
                if (isExecutableFile(candidate)) {
                    return;
                }
                sawDenied |= Files.exists(candidate);
            }
        }
        throw sawDenied ? denied() : notFound();
    }

    private static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static CannotRunException notFound() {
        return new CannotRunException("No such file or directory", true);
    }

    private static CannotRunException denied() {
        return new CannotRunException("Permission denied", false);
    }
}
