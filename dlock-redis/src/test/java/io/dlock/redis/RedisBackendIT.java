package io.dlock.redis;

import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.servers.HolderProcess;
import io.dlock.servers.PausableScheduler;
import io.dlock.servers.RedisServer;
import io.dlock.spi.BackendCapabilities;
import io.dlock.testkit.LockBackendContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The single-node Redis backend passes the contract against the redis-server on the PATH. */
class RedisBackendIT extends LockBackendContract {

    static RedisServer server;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(server.uri());
    }

    @Override
    protected void restartServers() {
        server.restartLosingData();
    }

    @Override
    protected long crashHolderWhileHolding(String name, Duration lease) {
        return HolderProcess.crashWhileHolding(server.uri(), name, lease);
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
        return capabilitiesOf(
                Duration.ofSeconds(30), context -> new RedisBackendProvider().open(server.uri(), context));
    }

    @Override
    protected List<String> leftovers(String name) {
        return LockKeys.on(server, name);
    }
}
