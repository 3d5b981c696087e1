package io.dlock.bench;

import io.dlock.Lease;
import io.dlock.LockClient;
import java.time.Duration;

/** dlock through its public API, with a renewed lease as users take it. */
final class DlockDriver implements LockDriver {

    private final LockClient client;

    DlockDriver(String uri) {
        client = LockClient.connect(uri);
    }

    @Override
    public void acquireRelease(String name, boolean wait) throws InterruptedException {
        Lease lease = client.lock(name).acquire(wait ? Duration.ofSeconds(30) : Duration.ZERO);
        lease.close();
    }

    @Override
    public void close() {
        client.close();
    }
}
