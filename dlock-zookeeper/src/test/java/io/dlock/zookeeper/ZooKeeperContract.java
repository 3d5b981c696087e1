package io.dlock.zookeeper;

import io.dlock.LockClient;
import io.dlock.testkit.HolderProcess;
import io.dlock.testkit.LockBackendContract;
import io.dlock.testkit.Poll;
import io.dlock.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract's hooks for the ZooKeeper backend, whatever the servers: short sessions, so that
 * crashed and frozen holders lose their locks quickly; a frozen holder is a client whose every
 * connection goes through a {@link TcpProxy} that the test silences, so its session expires at
 * the servers while everything else goes on. After each test, no node of its lock is left.
 */
abstract class ZooKeeperContract extends LockBackendContract {

    static final Duration SESSION = Duration.ofSeconds(3);
    static final String ROOT = "/contract";

    /** The client ports of the servers. */
    abstract List<Integer> clientPorts();

    /** A plain client of the same servers, for looking at nodes. */
    abstract ZooKeeperTree tree();

    /** The URI parameters of this variant's clients. */
    String parameters() {
        return "?sessionTimeout=" + SESSION.toSeconds() + "s&connectionTimeout=3s";
    }

    String uri(List<Integer> ports) {
        return "zk://" + ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","))
                + ROOT + parameters();
    }

    @BeforeEach
    void checkNothingIsLeftAfterTheTest() {
        // Registered first, so closed last: after every client of the test is closed.
        track(() -> Poll.until("no node of lock " + name() + " left", SESSION.plus(MARGIN),
                () -> tree().lockNodes(ROOT, name()).isEmpty()));
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(uri(clientPorts()));
    }

    @Override
    protected long crashHolderWhileHolding(String name, Duration lease) {
        return HolderProcess.crashWhileHolding(uri(clientPorts()), name, lease);
    }

    @Override
    protected Duration crashRecoveryBound(Duration lease) {
        return SESSION.plus(MARGIN);
    }

    @Override
    protected FreezableHolder freezableHolder(Duration lease) {
        List<TcpProxy> proxies = clientPorts().stream().map(port -> TcpProxy.to("127.0.0.1", port)).toList();
        LockClient client = LockClient.builder(uri(proxies.stream().map(TcpProxy::port).toList()))
                .defaultLease(lease).build();
        return new FreezableHolder() {
            @Override
            public LockClient client() {
                return client;
            }

            @Override
            public void freeze() {
                proxies.forEach(TcpProxy::freeze);
            }

            @Override
            public void thaw() {
                proxies.forEach(TcpProxy::thaw);
            }

            @Override
            public void close() {
                client.close();
                proxies.forEach(TcpProxy::close);
            }
        };
    }
}
