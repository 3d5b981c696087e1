package io.dlock.examples.plain;

import io.dlock.Lease;
import io.dlock.LockClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Increments a counter in a fenced file a number of times, each increment under a dlock lock:
 * run it in several processes at once on one lock service, and the counter ends at the sum of
 * their increments.
 *
 * <p>{@code java io.dlock.examples.plain.CounterExample <dlock URI> <counter file> <increments>}
 */
public final class CounterExample {

    private CounterExample() {}

    /** Runs the increments; exits non-zero with the reason if a lock or the file fails. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: CounterExample <dlock URI> <counter file> <increments>");
            System.exit(64);
        }
        String uri = args[0];
        FencedFile store = new FencedFile(Path.of(args[1]));
        int increments = Integer.parseInt(args[2]);
        // spotless:off
        // README-EXAMPLE-START
        try (LockClient client = LockClient.connect(uri)) {                 // one client per process
            var lock = client.lock("counter");
            for (int i = 0; i < increments; i++) {
                try (Lease lease = lock.acquire(Duration.ofSeconds(30))) {   // waits up to 30 s
                    long token = lease.fencingToken();                       // the store refuses older ones
                    store.write(token, store.read(token) + 1);
                }
            }
        }
        // README-EXAMPLE-END
        // spotless:on
        System.out.println("incremented " + increments + " times");
    }
}
