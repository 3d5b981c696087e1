package io.dlock.torture;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * The main class of the JVM that {@link NetworkIsolation} starts inside a private network
 * namespace: runs one {@link NetworkIsolation.IsolatedTask} (a torture scenario, a follower
 * partition trial) and writes what it returned for the JVM that started it. Arguments: the file
 * holding the task, the file to write the result to. Exits 0 when the result is written; with a
 * stack trace and 1 when the task failed.
 */
public final class IsolatedRun {

    private IsolatedRun() {}

    /** Runs the task; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 || !NetworkIsolation.inside()) {
            throw new IllegalArgumentException("usage (by NetworkIsolation only): -D" + NetworkIsolation.INSIDE_PROPERTY
                    + "=DIR IsolatedRun TASK_FILE RESULT_FILE");
        }
        NetworkIsolation.IsolatedTask<?> task =
                NetworkIsolation.read(Path.of(args[0]), NetworkIsolation.IsolatedTask.class);
        Serializable result = task.runInside();
        NetworkIsolation.write(Path.of(args[1]), result);
        // Leftover non-daemon threads (a library's) must not keep the namespace, and its rules, alive.
        System.exit(0);
    }
}
