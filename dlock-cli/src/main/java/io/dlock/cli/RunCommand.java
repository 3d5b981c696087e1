package io.dlock.cli;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockState;
import io.dlock.LockTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dlock run}: runs a command while holding a lock, like {@code flock} across machines.
 * The lease is renewed while the command runs; if it is lost anyway, the command is stopped,
 * with every process it started.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run a command while holding a lock.",
            "%nThe command inherits stdin, stdout and stderr, and gets DLOCK_LOCK, DLOCK_FENCING_TOKEN and"
                    + " DLOCK_OWNER in its environment. With setsid(1) on the PATH (Linux) it runs in a session of its"
                    + " own, with every process it starts, and without a controlling terminal. The lease is renewed"
                    + " while it runs and released once none of its processes runs: those it leaves running when it"
                    + " exits get SIGTERM, then SIGKILL after --grace. If the lease is lost, all of its processes get"
                    + " SIGTERM, then SIGKILL after --grace. SIGINT and SIGTERM sent to dlock are passed on to all of"
                    + " them as SIGTERM; the lock is released after they have exited, and dlock then exits 128 + the"
                    + " signal's number (130, 143), as a shell reports a program stopped by that signal. Without"
                    + " setsid, dlock stops the command and the processes it finds descending from it.%n"
        })
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOption backend;

    @Option(
            names = {"-l", "--lock"},
            required = true,
            paramLabel = "NAME",
            description = "The lock's name.")
    private String lock;

    @Option(
            names = "--lease",
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How long the lock outlives a crashed dlock (default: ${DEFAULT-VALUE}); renewed while held.")
    private Duration lease;

    @Option(
            names = {"-w", "--wait"},
            defaultValue = "0",
            converter = WaitConverter.class,
            paramLabel = "0|DURATION|forever",
            description = "How long to wait for the lock (default: ${DEFAULT-VALUE}, one attempt).")
    private WaitConverter.Wait wait;

    @Option(
            names = "--grace",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "After SIGTERM, how long the command has before SIGKILL (default: ${DEFAULT-VALUE}).")
    private Duration grace;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
    private List<String> command;

    @Override
    public Integer call() throws Exception {
        try (LockClient client = backend.client().defaultLease(lease).build()) {
            // A signal while acquiring ends dlock: closing the client then gives up the attempt
            // and releases a lock granted at that moment, instead of leaving it to its lease.
            Thread releaseOnSignal = new Thread(client::close, "dlock-release-on-signal");
            Runtime.getRuntime().addShutdownHook(releaseOnSignal);
            Optional<Lease> held;
            try {
                held = acquire(client);
            } finally {
                ChildSupervisor.removeHook(releaseOnSignal);
            }
            if (held.isEmpty()) {
                String holder = describeHolder(client.inspect(lock));
                spec.commandLine()
                        .getErr()
                        .println("dlock: lock '" + lock + "' not acquired"
                                + wait.limit()
                                        .map(w -> w.isZero() ? "" : " within " + w.toMillis() + " ms")
                                        .orElse("") + holder);
                return ExitCodes.LOCK_NOT_ACQUIRED;
            }
            return new ChildSupervisor(
                            held.get(), command, grace, spec.commandLine().getErr(), CommandLauncher.forThisSystem())
                    .run();
        }
    }

    private Optional<Lease> acquire(LockClient client) throws InterruptedException {
        if (wait.limit().isEmpty()) {
            return Optional.of(client.lock(lock).acquire());
        }
        try {
            return Optional.of(client.lock(lock).acquire(wait.limit().get()));
        } catch (LockTimeoutException notAcquired) {
            return Optional.empty();
        }
    }

    private static String describeHolder(LockState state) {
        return state.holder()
                .map(h -> "; held by " + h.owner()
                        + h.remaining()
                                .map(r -> " for another " + r.toMillis() + " ms")
                                .orElse(""))
                .orElse("");
    }
}
