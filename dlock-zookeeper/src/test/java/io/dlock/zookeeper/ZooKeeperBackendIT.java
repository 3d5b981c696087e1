package io.dlock.zookeeper;

import io.dlock.LockClient;
import io.dlock.testkit.HolderProcess;
import io.dlock.testkit.LockBackendContract;
import io.dlock.testkit.Poll;
import io.dlock.testkit.TcpProxy;
import io.dlock.testkit.ZooKeeperServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The ZooKeeper backend in fair mode passes the contract against a standalone server, with a
 * short session so that crashed and frozen holders lose their locks quickly. After each test,
 * no node of its lock is left.
 */
class ZooKeeperBackendIT extends LockBackendContract {

    static final Duration SESSION = Duration.ofSeconds(3);
    static final String ROOT = "/contract";
    static ZooKeeperServer server;
    static ZooKeeperTree tree;

    @BeforeAll
    static void startServer() {
        server = ZooKeeperServer.standalone();
        tree = new ZooKeeperTree(server.hostAndPort());
    }

    @AfterAll
    static void stopServer() {
        tree.close();
        server.close();
    }

    /** The URI parameters of this variant's clients. */
    String parameters() {
        return "?sessionTimeout=" + SESSION.toSeconds() + "s&connectionTimeout=3s";
    }

    String uri(String hosts) {
        return "zk://" + hosts + ROOT + parameters();
    }

    @BeforeEach
    void checkNothingIsLeftAfterTheTest() {
        // Registered first, so closed last: after every client of the test is closed.
        track(() -> Poll.until("no node of lock " + name() + " left", SESSION.plus(MARGIN),
                () -> tree.lockNodes(ROOT, name()).isEmpty()));
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(uri(server.hostAndPort()));
    }

    @Override
    protected void restartServers() {
        server.restart();
    }

    @Override
    protected long crashHolderWhileHolding(String name, Duration lease) {
        return HolderProcess.crashWhileHolding(uri(server.hostAndPort()), name, lease);
    }

    @Override
    protected Duration crashRecoveryBound(Duration lease) {
        return SESSION.plus(MARGIN);
    }

    @Override
    protected FreezableHolder freezableHolder(Duration lease) {
        TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
        LockClient client = LockClient.builder(uri(proxy.hostAndPort())).defaultLease(lease).build();
        return new FreezableHolder() {
            @Override
            public LockClient client() {
                return client;
            }

            @Override
            public void freeze() {
                proxy.freeze();
            }

            @Override
            public void thaw() {
                proxy.thaw();
            }

            @Override
            public void close() {
                client.close();
                proxy.close();
            }
        };
    }
}
