package io.dlock.zookeeper;

import io.dlock.LockClient;
import io.dlock.servers.HolderProcess;
import io.dlock.servers.TcpProxy;
import io.dlock.servers.ZooKeeperServer;
import io.dlock.spi.BackendCapabilities;
import io.dlock.testkit.LockBackendContract;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract's hooks for the ZooKeeper backend, whatever the servers: short sessions, so that
 * crashed and frozen holders lose their locks quickly; a frozen holder is a client whose every
 * connection goes through a {@link TcpProxy} that the test silences, so its session expires at
 * the servers while everything else goes on.
 *
 * <p>After each test, before its clients are closed (closing them would delete their nodes
 * with their sessions): no node of the test's lock may be left in an open client's session
 * unless it is the node of a lease still held, within a bound shorter than the session.
 */
abstract class ZooKeeperContract extends LockBackendContract {

    static final Duration SESSION = Duration.ofSeconds(3);
    static final String ROOT = "/contract";
    /** Deleting a node takes one round trip; far less than a session, in which an orphan would stay. */
    static final Duration ORPHAN_BOUND = SESSION.minusSeconds(1);

    private final HeldLeases held = new HeldLeases();

    /** The servers. */
    abstract List<ZooKeeperServer> servers();

    /** A plain client of the same servers, for looking at nodes. */
    abstract ZooKeeperTree tree();

    /** The URI parameters of this variant's clients. */
    String parameters() {
        return "?sessionTimeout=" + SESSION.toSeconds() + "s&connectionTimeout=3s";
    }

    String uri(List<Integer> ports) {
        return "zk://" + ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(",")) + ROOT
                + parameters();
    }

    /** Runs before the contract closes the test's clients (a subclass's {@code @AfterEach} runs first). */
    @AfterEach
    void noOrphanNodeInAnOpenSession() {
        String container = ROOT + "/" + LockNames.encode(name());
        Poll.until(
                "no node of lock " + name() + " left in an open session without a lease on it",
                ORPHAN_BOUND,
                () -> tree().nodesIn(container, OpenSessions.on(servers()), held::holds)
                        .isEmpty());
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return builder(uri(clientPorts()));
    }

    private LockClient.Builder builder(String uri) {
        return LockClient.builder(
                context -> held.track(context, tracked -> new ZooKeeperBackendProvider().open(uri, tracked)));
    }

    private List<Integer> clientPorts() {
        return servers().stream().map(ZooKeeperServer::port).toList();
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
        List<TcpProxy> proxies = clientPorts().stream()
                .map(port -> TcpProxy.to("127.0.0.1", port))
                .toList();
        LockClient client = builder(uri(proxies.stream().map(TcpProxy::port).toList()))
                .defaultLease(lease)
                .build();
        return FreezableHolder.of(
                client,
                () -> proxies.forEach(TcpProxy::freeze),
                () -> proxies.forEach(TcpProxy::thaw),
                () -> proxies.forEach(TcpProxy::close));
    }

    @Override
    protected BackendCapabilities capabilities() {
        return capabilitiesOf(
                Duration.ofSeconds(30), context -> new ZooKeeperBackendProvider().open(uri(clientPorts()), context));
    }

    /** The lock's queue and holder nodes: none may stay once it is released. */
    @Override
    protected List<String> leftovers(String name) {
        return tree().lockNodes(ROOT, name);
    }
}
