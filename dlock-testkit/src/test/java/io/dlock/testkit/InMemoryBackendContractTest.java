package io.dlock.testkit;

import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.servers.PausableScheduler;
import io.dlock.spi.BackendCapabilities;
import java.time.Duration;
import java.util.List;

/** The reference backend passes the contract every real backend must pass. */
class InMemoryBackendContractTest extends LockBackendContract {

    private final InMemoryLockServer server = new InMemoryLockServer(Ticker.system());

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(server.opener());
    }

    @Override
    protected void restartServers() {
        server.restartLosingData();
    }

    @Override
    protected long crashHolderWhileHolding(String name, Duration lease) {
        FaultyLink connection = server.connect();
        LockClient holder = LockClient.builder(connection).defaultLease(lease).build();
        try {
            long token = holder.lock(name).acquire(Duration.ofSeconds(10)).fencingToken();
            connection.cut();
            return token;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            track(holder);
        }
    }

    @Override
    protected FreezableHolder freezableHolder(Duration lease) {
        PausableScheduler timers = new PausableScheduler();
        LockClient client = clientBuilder()
                .defaultLease(lease)
                .time(Ticker.system(), timers)
                .build();
        return FreezableHolder.of(client, timers::pause, timers::resume, timers::close);
    }

    @Override
    protected BackendCapabilities capabilities() {
        return capabilitiesOf(Duration.ofSeconds(30), server.opener());
    }

    @Override
    protected List<String> leftovers(String name) {
        return server.entriesOf(name);
    }
}
