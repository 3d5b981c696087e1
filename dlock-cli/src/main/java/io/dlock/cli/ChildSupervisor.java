package io.dlock.cli;

import io.dlock.Lease;
import io.dlock.LeaseLostException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Runs the guarded command while its lease is held: starts it with the lease in its
 * environment, stops all of its processes when the lease is lost (SIGTERM, then SIGKILL after the
 * grace), does the same when dlock gets SIGINT or SIGTERM, and releases the lease only once none
 * of them runs: processes the command left running when it exited on its own are stopped first.
 * Which processes it finds is {@link CommandLauncher}'s matter.
 */
final class ChildSupervisor {

    private final Lease lease;
    private final List<String> command;
    private final Duration grace;
    private final PrintWriter err;
    private final CommandLauncher launcher;
    /** Why the lease was lost while the command was still running, which is when we stop it. */
    private final AtomicReference<String> lostWhileRunning = new AtomicReference<>();
    /** Orders the start of the command against the shutdown hook, so a signal never misses it. */
    private final ReentrantLock starting = new ReentrantLock();
    /** Guarded by {@link #starting}; set once the command started, for the shutdown hook. */
    private @Nullable CommandStopper stopper;
    /** Guarded by {@link #starting}: the hook ran, so the command must not start. */
    private boolean signalled;

    ChildSupervisor(Lease lease, List<String> command, Duration grace, PrintWriter err, CommandLauncher launcher) {
        this.lease = lease;
        this.command = command;
        this.grace = grace;
        this.err = err;
        this.launcher = launcher;
    }

    /** Runs the command to its end and returns dlock's exit code. */
    int run() throws InterruptedException {
        Map<String, String> environment = Map.of(
                "DLOCK_LOCK", lease.name(),
                "DLOCK_FENCING_TOKEN", Long.toString(lease.fencingToken()),
                "DLOCK_OWNER", lease.owner());
        // The hook goes in before the command starts: a signal that came just after the start
        // would otherwise end dlock without passing it on, leaving the command running unguarded.
        Thread onSignal = new Thread(this::stopForSignal, "dlock-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        CommandProcesses processes;
        CommandStopper stopping;
        starting.lock();
        try {
            if (signalled) {
                release(); // as the hook does; whatever this returns, the JVM exits 128 + the signal
                return ExitCodes.TERMINATED;
            }
            processes = launcher.start(command, environment);
            stopping = new CommandStopper(processes, grace, err);
            stopper = stopping;
        } catch (CannotRunException e) {
            release();
            removeHook(onSignal);
            err.println("dlock: cannot run " + command.get(0) + ": " + e.getMessage());
            return e.exitCode();
        } finally {
            starting.unlock();
        }
        lease.onLost((lost, reason) -> stopBecauseLost(reason, processes, stopping));
        int exit = processes.command().waitFor();
        stopWhatIsLeft(exit, processes, stopping);
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

    /**
     * After the command exited: waits until none of its processes runs, stopping those it left
     * running unless a stop has begun already.
     */
    private void stopWhatIsLeft(int exit, CommandProcesses processes, CommandStopper stopper) {
        if (!stopper.hasBegun()) {
            int left = processes.running();
            if (left == 0) {
                return;
            }
            err.println("dlock: the command exited with code " + exit + " but left " + CommandStopper.count(left)
                    + " running; stopping " + (left == 1 ? "it" : "them") + " before the lock is released");
        }
        stopper.stop().join();
    }

    /**
     * The lease-lost listener. It also fires when the release after the command's end finds the
     * lease lost; that case is reported by {@link #run()} and stops nothing.
     */
    private void stopBecauseLost(String reason, CommandProcesses processes, CommandStopper stopper) {
        if (processes.running() > 0 && lostWhileRunning.compareAndSet(null, reason)) {
            stopper.stop();
        }
    }

    /**
     * The shutdown hook: dlock got SIGINT or SIGTERM; the command's processes, if it started, get
     * SIGTERM, then the lock goes once none of them runs.
     */
    private void stopForSignal() {
        CommandStopper started;
        starting.lock();
        try {
            signalled = true;
            started = stopper;
        } finally {
            starting.unlock();
        }
        if (started != null) {
            try {
                started.stop().join();
            } catch (CompletionException e) {
                // not released: the lock then ends with its lease, the safe side when processes may still run
                err.println("dlock: could not stop the command: " + e.getCause());
                return;
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

    /** Releases the lease; returns why it had been lost if the release found it so. */
    private Optional<String> release() {
        try {
            lease.close();
            return Optional.empty();
        } catch (LeaseLostException lost) {
            return Optional.of(Objects.requireNonNullElse(lost.getMessage(), lost.toString()));
        }
    }
}
