package io.dlock.cli;

import io.dlock.Lease;
import io.dlock.LeaseLostException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the guarded command while its lease is held: starts it with the lease in its
 * environment, stops it when the lease is lost (SIGTERM, then SIGKILL after the grace), passes
 * SIGINT/SIGTERM sent to dlock on to it, and releases the lease only after it has exited.
 */
final class ChildSupervisor {

    /** How the JDK reports that exec found no such file: {@code error=2, No such file or directory}. */
    private static final String NOT_FOUND = "error=2,";

    private final Lease lease;
    private final List<String> command;
    private final Duration grace;
    private final PrintWriter err;
    /** Why the lease was lost while the command was still running, which is when we stop it. */
    private final AtomicReference<String> lostWhileRunning = new AtomicReference<>();
    /** Orders the start of the command against the shutdown hook, so a signal never misses it. */
    private final ReentrantLock starting = new ReentrantLock();
    /** Guarded by {@link #starting}; set once, before the lease-lost listener is registered. */
    private Process child;
    /** Guarded by {@link #starting}: the hook ran, so the command must not start. */
    private boolean signalled;

    ChildSupervisor(Lease lease, List<String> command, Duration grace, PrintWriter err) {
        this.lease = lease;
        this.command = command;
        this.grace = grace;
        this.err = err;
    }

    /** Runs the command to its end and returns dlock's exit code. */
    int run() throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> environment = builder.environment();
        environment.put("DLOCK_LOCK", lease.name());
        environment.put("DLOCK_FENCING_TOKEN", Long.toString(lease.fencingToken()));
        environment.put("DLOCK_OWNER", lease.owner());
        // The hook goes in before the command starts: a signal that came just after the start
        // would otherwise end dlock without passing it on, leaving the command running unguarded.
        Thread onSignal = new Thread(this::stopForSignal, "dlock-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        starting.lock();
        try {
            if (signalled) {
                release(); // as the hook does; whatever this returns, the JVM exits 128 + the signal
                return ExitCodes.TERMINATED;
            }
            child = builder.start();
        } catch (IOException e) {
            release();
            removeHook(onSignal);
            return cannotRun(e);
        } finally {
            starting.unlock();
        }
        lease.onLost((lost, reason) -> stopBecauseLost(reason));
        int exit = child.waitFor();
        Optional<String> lostAtRelease = release();
        removeHook(onSignal);
        String stoppedFor = lostWhileRunning.get();
        if (stoppedFor != null) {
            err.println("dlock: lost lock '" + lease.name() + "' while the command ran (" + stoppedFor
                    + "); the command was stopped");
            return ExitCodes.LEASE_LOST;
        }
        if (lostAtRelease.isPresent()) {
            err.println("dlock: the command exited with code " + exit + " on its own, but it may not have held"
                    + " the lock to its end: " + lostAtRelease.get());
            return ExitCodes.LEASE_LOST;
        }
        return exit;
    }

    /** Reports a command that could not be started, with the code env(1) and timeout(1) use. */
    private int cannotRun(IOException e) {
        String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        boolean notFound = reason != null && reason.startsWith(NOT_FOUND);
        err.println("dlock: cannot run " + command.get(0) + ": "
                + (reason == null ? e.getClass().getSimpleName() : reason.replaceFirst("^error=\\d+, ", "")));
        return notFound ? ExitCodes.COMMAND_NOT_FOUND : ExitCodes.CANNOT_EXECUTE;
    }

    /**
     * The lease-lost listener. It also fires when the release after the command's own exit finds
     * the lease lost; that case is reported by {@link #run()} and stops nothing.
     */
    private void stopBecauseLost(String reason) {
        if (child.isAlive() && lostWhileRunning.compareAndSet(null, reason)) {
            terminate();
        }
    }

    /**
     * The shutdown hook: dlock got SIGINT or SIGTERM; the command, if it started, gets SIGTERM,
     * then the lock goes once it has exited.
     */
    private void stopForSignal() {
        boolean started;
        starting.lock();
        try {
            signalled = true;
            started = child != null;
        } finally {
            starting.unlock();
        }
        if (started) {
            terminate();
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        release();
    }

    /** Removes a shutdown hook, unless the JVM is already running it. */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // dlock itself was signalled; the hook finishes the job and the JVM sets the exit code
        }
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

    /** Releases the lease; returns why it had been lost if the release found it so. */
    private Optional<String> release() {
        try {
            lease.close();
            return Optional.empty();
        } catch (LeaseLostException lost) {
            return Optional.of(lost.getMessage());
        }
    }
}
