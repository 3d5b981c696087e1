package io.dlock.cli;

import java.io.IOException;

/**
 * The command of {@code dlock run} could not be started: it was not found, or it was found but
 * could not be executed; {@link #exitCode()} is what env(1) and timeout(1) exit with then.
 */
final class CannotRunException extends Exception {

    private static final long serialVersionUID = 1L;
    /** How the JDK reports that exec found no such file: {@code error=2, No such file or directory}. */
    private static final String JDK_NOT_FOUND = "error=2,";

    private final boolean notFound;

    /** {@code reason} is the system's words, e.g. "No such file or directory". */
    CannotRunException(String reason, boolean notFound) {
        super(reason);
        this.notFound = notFound;
    }

    /** Translates the JDK's failure to start a process, e.g. {@code error=13, Permission denied}. */
    static CannotRunException from(IOException startFailure) {
        Throwable cause = startFailure.getCause() != null ? startFailure.getCause() : startFailure;
        String reason = cause.getMessage();
        if (reason == null) {
            return new CannotRunException(cause.getClass().getSimpleName(), false);
        }
        return new CannotRunException(reason.replaceFirst("^error=\\d+, ", ""), reason.startsWith(JDK_NOT_FOUND));
    }

    /** 127 when the command was not found, else 126. */
    int exitCode() {
        return notFound ? ExitCodes.COMMAND_NOT_FOUND : ExitCodes.CANNOT_EXECUTE;
    }
}
