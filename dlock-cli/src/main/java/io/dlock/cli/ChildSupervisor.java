package io.dlock.cli;

import io.dlock.Lease;
import io.dlock.LeaseLostException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the guarded command while its lease is held: starts it with the lease in its
 * environment, stops it when the lease is lost (SIGTERM, then SIGKILL after the grace), passes
 * SIGINT/SIGTERM sent to dlock on to it, and releases the lease only after it has exited.
 */
final class ChildSupervisor {

    private final Lease lease;
    private final List<String> command;
    private final Duration grace;
    private final PrintWriter err;
    private final AtomicReference<String> lostBecause = new AtomicReference<>();
    private Process child;

    ChildSupervisor(Lease lease, List<String> command, Duration grace, PrintWriter err) {
        this.lease = lease;
        this.command = command;
        this.grace = grace;
        this.err = err;
    }

    /** Runs the command to its end and returns dlock's exit code. */
    int run() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> environment = builder.environment();
        environment.put("DLOCK_LOCK", lease.name());
        environment.put("DLOCK_FENCING_TOKEN", Long.toString(lease.fencingToken()));
        environment.put("DLOCK_OWNER", lease.owner());
        try {
            child = builder.start();
        } catch (IOException e) {
            release();
            throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread onSignal = new Thread(this::stopForSignal, "dlock-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        lease.onLost((lost, reason) -> stopBecauseLost(reason));
        int exit = child.waitFor();
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // dlock itself was signalled; the hook finishes the job
        }
        String reason = lostBecause.get();
        if (reason != null) {
            err.println("dlock: lost lock '" + lease.name() + "' while the command ran (" + reason
                    + "); the command was stopped");
            return ExitCodes.LEASE_LOST;
        }
        return exit;
    }

    private void stopBecauseLost(String reason) {
        if (lostBecause.compareAndSet(null, reason)) {
            terminate();
        }
    }

    /** The shutdown hook: dlock got SIGINT or SIGTERM; the command gets SIGTERM, then the lock goes. */
    private void stopForSignal() {
        terminate();
        try {
            child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
    }

    /** SIGTERM now, SIGKILL after the grace if the command is still running. */
    private void terminate() {
        child.destroy();
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (child.isAlive()) {
                err.println("dlock: the command ignored SIGTERM for " + grace.toMillis() + " ms; sending SIGKILL");
                child.destroyForcibly();
            }
        });
    }

    private void release() {
        try {
            lease.close();
        } catch (LeaseLostException alreadyReported) {
            lostBecause.compareAndSet(null, alreadyReported.getMessage());
        }
    }
}
