package io.dlock.shedlock;

import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** ShedLock's provider checks on one Redis node. */
class RedisLockProviderIT extends LockProviderContract {

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
}
