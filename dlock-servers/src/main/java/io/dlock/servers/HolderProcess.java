package io.dlock.servers;

import io.dlock.Lease;
import io.dlock.LockClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A lock holder in a separate JVM that a test kills with SIGKILL: the honest way to check that
 * a crashed holder's lock is freed by its lease or session, with no release and no goodbye.
 *
 * <p>As a program: {@code HolderProcess <uri> <name> <lease-ms>} acquires the lock with that
 * lease (renewed), prints {@code HELD <token>} and waits until killed.
 */
public final class HolderProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private HolderProcess() {}

    /** Runs the holder; see the class comment. */
    public static void main(String[] args) throws Exception {
        LockClient client = LockClient.builder(args[0])
                .defaultLease(Duration.ofMillis(Long.parseLong(args[2])))
                .build();
        Lease lease = client.lock(args[1]).acquire(Duration.ofSeconds(30));
        System.out.println("HELD " + lease.fencingToken());
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * Starts a holder of {@code name} on {@code uri}, waits until it holds the lock, then kills
     * it with SIGKILL.
     *
     * @return the fencing token the killed holder had
     */
    public static long crashWhileHolding(String uri, String name, Duration lease) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process;
        try {
            process = new ProcessBuilder(List.of(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            HolderProcess.class.getName(),
                            uri,
                            name,
                            Long.toString(lease.toMillis())))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a holder JVM", e);
        }
        ManagedProcesses.register(process, HolderProcess.class.getName());
        try {
            long token = awaitHeld(process);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return token;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            process.destroyForcibly();
            ManagedProcesses.unregister(process);
        }
    }

    private static long awaitHeld(Process process) {
        StringBuilder output = new StringBuilder();
        Thread timeout = new Thread(() -> {
            try {
                if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                // the holder answered
            }
        });
        timeout.setDaemon(true);
        timeout.start();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("HELD ")) {
                    timeout.interrupt();
                    return Long.parseLong(line.substring(5).trim());
                }
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the holder process exited without taking the lock:\n" + output);
    }
}
