package io.dlock.redis;

import io.dlock.LockClient;
import io.dlock.testkit.HolderProcess;
import io.dlock.testkit.LockBackendContract;
import io.dlock.testkit.RedisServer;
import java.time.Duration;
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
}
