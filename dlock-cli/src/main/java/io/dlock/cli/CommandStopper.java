package io.dlock.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops every process of a command, once: SIGTERM to each, SIGKILL to all that still run after
 * the grace, repeated until none runs. Processes that appear meanwhile get SIGTERM too, or SIGKILL
 * once the grace is over. The stopping runs on a thread of its own, so that the lease-lost
 * listener and the shutdown hook only start it and wait for its end.
 */
final class CommandStopper {

    /** How often the processes are counted while they stop: each count reads {@code /proc}. */
    private static final Duration POLL = Duration.ofMillis(25);

    private final CommandProcesses processes;
    private final Duration grace;
    private final PrintWriter err;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    CommandStopper(CommandProcesses processes, Duration grace, PrintWriter err) {
        this.processes = processes;
        this.grace = grace;
        this.err = err;
    }

    /**
     * Starts stopping the command's processes, unless that has begun already, and returns what
     * completes once none of them runs.
     */
    CompletableFuture<Void> stop() {
        if (begun.compareAndSet(false, true)) {
            Thread stopping = new Thread(this::stopAll, "dlock-stop");
            // not to hold up the JVM's exit: the shutdown hook waits for this thread's result
            stopping.setDaemon(true);
            stopping.start();
        }
        return stopped;
    }

    /** Whether {@link #stop()} has been called. */
    boolean hasBegun() {
        return begun.get();
    }

    private void stopAll() {
        processes.limitation().ifPresent(limitation -> err.println("dlock: " + limitation));
        long graceEnds = System.nanoTime() + grace.toNanos();
        boolean killing = false;
        boolean reportedFailure = false;
        try {
            int running;
            while ((running = processes.running()) > 0) {
                if (!killing && System.nanoTime() - graceEnds >= 0) {
                    killing = true;
                    err.println("dlock: " + count(running) + " of the command ignored SIGTERM for " + grace.toMillis()
                            + " ms; sending SIGKILL");
                }
                try {
                    if (killing) {
                        processes.kill();
                    } else {
                        processes.terminate();
                    }
                } catch (IOException e) {
                    // retried at the next count: the lock must not go while any of them runs
                    if (!reportedFailure) {
                        reportedFailure = true;
                        err.println("dlock: cannot signal the command's processes yet: " + e.getMessage());
                    }
                }
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
            stopped.complete(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.completeExceptionally(e);
        } catch (RuntimeException e) {
            stopped.completeExceptionally(e);
        }
    }

    /** "1 process", "2 processes". */
    static String count(int processes) {
        return processes + (processes == 1 ? " process" : " processes");
    }
}
