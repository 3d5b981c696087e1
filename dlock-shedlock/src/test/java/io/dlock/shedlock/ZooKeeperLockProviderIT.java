package io.dlock.shedlock;

import io.dlock.LockClient;
import io.dlock.servers.ZooKeeperServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** ShedLock's provider checks on one ZooKeeper server: fixed leases the engine ends itself. */
class ZooKeeperLockProviderIT extends LockProviderContract {

    static ZooKeeperServer server;

    @BeforeAll
    static void startServer() {
        server = ZooKeeperServer.standalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder("zk://" + server.hostAndPort() + "/shedlock");
    }
}
