package io.dlock.cli;

import java.io.IOException;
import java.util.Optional;

/**
 * Every process of a command that {@code dlock run} started, as far as dlock can find them: the
 * command itself and what it started, also after the command has exited. Zombies (processes that
 * have exited and wait to be reaped) do not count as running.
 */
interface CommandProcesses {

    /** The process dlock started, the command itself. */
    Process command();

    /** How many of the command's processes run now. */
    int running();

    /**
     * Sends SIGTERM to the processes that run now and have not had it yet: each gets it once, so
     * that a trap in a shell script does not run twice.
     */
    void terminate() throws IOException, InterruptedException;

    /** Sends SIGKILL to every process that runs now. */
    void kill() throws IOException, InterruptedException;

    /** What dlock cannot find here, to tell the user when it stops the command; empty where it finds everything. */
    Optional<String> limitation();
}
