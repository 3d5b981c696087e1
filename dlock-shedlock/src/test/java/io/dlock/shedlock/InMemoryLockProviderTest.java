package io.dlock.shedlock;

import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.testkit.InMemoryLockServer;

/** ShedLock's provider checks on the test kit's in-memory reference backend, on the real clock. */
class InMemoryLockProviderTest extends LockProviderContract {

    private final InMemoryLockServer server = new InMemoryLockServer(Ticker.system());

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(server.opener());
    }
}
