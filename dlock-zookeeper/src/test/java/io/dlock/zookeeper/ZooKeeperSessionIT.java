package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LeaseLostException;
import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.servers.PausableScheduler;
import io.dlock.servers.TcpProxy;
import io.dlock.servers.ZooKeeperServer;
import io.dlock.spi.ClockDrift;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What a change of session does to locks, against a standalone server: sessions changed the ways
 * Curator changes them itself (an injected expiry, as after a long suspension; a reset handle).
 */
class ZooKeeperSessionIT {

    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final Duration SESSION = Duration.ofSeconds(4);
    private static ZooKeeperServer server;
    private static ZooKeeperTree tree;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private String root;

    @BeforeAll
    static void startServer() {
        server = ZooKeeperServer.standalone();
        tree = new ZooKeeperTree(server.hostAndPort());
    }

    @AfterAll
    static void stopServer() {
        if (tree != null) {
            tree.close();
        }
        server.close();
    }

    @BeforeEach
    void rootPerTest(TestInfo test) {
        root = "/session/" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private String uri(String parameters) {
        return "zk://" + server.hostAndPort() + root + "?sessionTimeout=" + SESSION.toSeconds() + "s" + parameters;
    }

    private LockClient client(LockClient.Builder builder) {
        LockClient client = builder.build();
        toClose.add(client);
        return client;
    }

    /** A client whose backend the test can reach, opened with {@code parameters} and decorated by {@code decorate}. */
    private LockClient client(
            String parameters,
            AtomicReference<ZooKeeperBackend> backend,
            Function<ZooKeeperBackend, io.dlock.spi.LockBackend> decorate) {
        return client(LockClient.builder(context -> {
                    backend.set((ZooKeeperBackend) new ZooKeeperBackendProvider().open(uri(parameters), context));
                    return decorate.apply(backend.get());
                })
                .maxRetryDelay(Duration.ofMinutes(10)));
    }

    private static ZooKeeper handleOf(ZooKeeperBackend backend) throws Exception {
        return backend.curator().getZookeeperClient().getZooKeeper();
    }

    @Test
    void aWaiterWokenJustBeforeItsSessionExpiredIsGrantedInItsNewSessionNotADeadLease() throws Exception {
        Lease held = client(LockClient.builder(uri(""))).lock("stale").acquire(Duration.ZERO);
        AtomicReference<ZooKeeperBackend> backend = new AtomicReference<>();
        AtomicReference<GatedBackend> gate = new AtomicReference<>();
        LockClient waiter = client("", backend, opened -> {
            gate.set(new GatedBackend(opened));
            return gate.get();
        });
        CompletableFuture<Lease> waiting = waiter.lock("stale").acquireAsync(Duration.ofSeconds(60));
        Poll.until(
                "the waiter queued",
                MARGIN,
                () -> waiter.inspect("stale").queueLength().orElseThrow() == 1);

        held.close();
        Poll.until("the waiter's watch fired", MARGIN, () -> gate.get().holdsANotification());
        long oldSession = handleOf(backend.get()).getSessionId();
        handleOf(backend.get()).getTestable().injectSessionExpiration(); // as Curator does after a long suspension
        Poll.until("the waiter is on a new session", MARGIN.plus(SESSION), () -> {
            long session =
                    backend.get().curator().getZookeeperClient().isConnected() ? currentSession(backend.get()) : 0;
            return session != 0 && session != oldSession;
        });
        gate.get().open();

        Lease lease = waiting.get(SESSION.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
        Poll.throughout(
                Duration.ofSeconds(1),
                () -> assertThat(lease.isValid()).as("the granted lease").isTrue());
        String node = tree.lockNodes(root, "stale").get(0);
        assertThat(tree.stat(root + "/stale/" + node).getEphemeralOwner())
                .as("the holding node's session")
                .isEqualTo(currentSession(backend.get()));
        lease.close();
    }

    /**
     * Simple mode: an attempt's creation of the holder node reached the server but its reply was
     * lost, and the client moved to a new session while the old one lives on at the server, node
     * and all. The acquisition's next attempt finds the node with its own owner id; a lease on it
     * would be lost at once (its session is not the client's), so the attempt deletes it and
     * creates it anew, in the current session.
     */
    @Test
    void aSimpleModeAttemptThatFindsItsOwnNodeOfAPastSessionCreatesItAnew() throws Exception {
        TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
        toClose.add(proxy);
        String simple = "zk://" + proxy.hostAndPort() + root + "?sessionTimeout=30s&mode=simple";
        AtomicReference<ZooKeeperBackend> backend = new AtomicReference<>();
        LockClient client = client(LockClient.builder(context -> {
            backend.set((ZooKeeperBackend) new ZooKeeperBackendProvider().open(simple, context));
            return backend.get();
        }));
        long pastSession = currentSession(backend.get());
        // Keeps the lock's container, so that the creation needs no reply before it reaches the server.
        tree.client().create().creatingParentContainersIfNeeded().forPath(root + "/recovered/keeper");

        proxy.freezeReplies();
        CompletableFuture<Lease> acquiring = client.lock("recovered").acquireAsync(Duration.ofSeconds(60));
        Poll.until("the server created the holder node although its reply is held back", MARGIN, () -> tree.lockNodes(
                        root, "recovered")
                .contains(LockPaths.HOLDER));
        proxy.freeze();
        proxy.dropConnections(); // the attempt fails with its connection; the session lives on at the server
        handleOf(backend.get()).getTestable().injectSessionExpiration(); // the client gives that session up
        proxy.thaw();

        Lease lease = acquiring.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        long session = currentSession(backend.get());
        assertThat(session).as("the client's session").isNotIn(0L, pastSession);
        Poll.throughout(
                Duration.ofSeconds(1),
                () -> assertThat(lease.isValid()).as("the granted lease").isTrue());
        assertThat(tree.stat(root + "/recovered/" + LockPaths.HOLDER).getEphemeralOwner())
                .as("the holder node's session")
                .isEqualTo(session);
        lease.close();
        tree.client().delete().forPath(root + "/recovered/keeper");
    }

    /**
     * Curator replaces its handle on its own (its reset, as on a change of connection string):
     * the old session is closed at the servers and its nodes go. Curator reports that LOST
     * before the new session's RECONNECTED (it compares handle instances), so the holder is told
     * exactly once, before anything runs in the new session.
     */
    @Test
    void aHolderIsToldOnceWhenCuratorReplacesItsSession() throws Exception {
        AtomicReference<ZooKeeperBackend> backend = new AtomicReference<>();
        LockClient holder = client("", backend, opened -> opened);
        Lease lease = holder.lock("replaced").acquire(Duration.ZERO);
        List<String> reasons = new CopyOnWriteArrayList<>();
        lease.onLost((lost, reason) -> reasons.add(reason));
        long oldSession = currentSession(backend.get());

        backend.get().curator().getZookeeperClient().reset();
        Poll.until("the holder was told", MARGIN, () -> !reasons.isEmpty());
        assertThat(lease.isValid()).isFalse();
        try (Lease next = client(LockClient.builder(uri(""))).lock("replaced").acquire(MARGIN)) {
            assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        }
        Poll.until(
                "the holder is on a new session",
                MARGIN,
                () -> currentSession(backend.get()) != oldSession
                        && currentSession(backend.get()) != 0
                        && backend.get().curator().getZookeeperClient().isConnected());
        assertThat(reasons).as("loss reports").hasSize(1);
    }

    /**
     * A grant whose session the client replaces is lost, also under {@code onSuspend=grace},
     * where a suspension itself reports nothing: Curator reports the old session LOST before the
     * client is on its new one, which is why the guard needs no sweep when it reconnects. Here the
     * client replaces its handle, as Curator does after trouble.
     */
    @Test
    void aGrantOfASessionTheClientReplacedIsLostBeforeTheNewSessionIsUsed() throws Exception {
        ZooKeeperEndpoint endpoint =
                ZooKeeperEndpoint.parse("zk://" + server.hostAndPort() + root + "?sessionTimeout=20s&onSuspend=grace");
        CurrentHandle handle = new CurrentHandle(Ticker.system());
        CuratorFramework curator = CuratorClients.create(endpoint, handle);
        toClose.add(curator);
        PausableScheduler timers = new PausableScheduler();
        toClose.add(timers);
        ZooKeeperCalls calls = new ZooKeeperCalls(curator, endpoint);
        SessionGuard guard = new SessionGuard(
                curator,
                handle,
                SuspendPolicy.GRACE,
                SESSION,
                timers,
                new LeaderConfirmation(calls, handle, SESSION, Ticker.system(), timers, ClockDrift.DEFAULT));
        toClose.add(guard);
        curator.getConnectionStateListenable().addListener(guard);
        curator.start();
        assertThat(curator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        guard.connected(handle.sessionTimeout().orElseThrow());
        long session = handle.sessionId();
        CompletableFuture<String> lost = guard.track(
                        new Hold(LockPaths.of("ended"), "owner-1", "q-0000000001", 1, session))
                .toCompletableFuture();
        assertThat(lost).as("tracked in the live session").isNotDone();

        curator.getZookeeperClient().reset();
        assertThat(lost.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS)).contains("session was lost");
        Poll.until(
                "the client is on its new session",
                MARGIN,
                () -> handle.sessionId() != session && handle.sessionId() != 0);
        assertThatThrownBy(() -> guard.track(new Hold(LockPaths.of("ended"), "owner-1", "q-0000000001", 1, session)))
                .as("a grant of the old session, arriving late, is refused")
                .isInstanceOf(BackendUnavailableException.class);
    }

    /**
     * {@code onSuspend=grace} keeps a lock through a suspension shorter than T/4, but a
     * connection that goes silent is suspended only after 2T/3 without an answer, and by then the
     * leader's confirmation of the session has run out (7T/12 after the last answered sync, less
     * three round trips): a silent server and a server cut off from the leader look the same to
     * the client. Here the holder's connection goes silent for good: its lease must read invalid,
     * for want of the leader's confirmation, before the waiter's grant comes back, about T/3
     * later. (The grace's own end, T/4 after a suspension the client notices at once, is
     * {@code ZooKeeperFailoverIT}'s.)
     */
    @Test
    void withOnSuspendGraceAFrozenHoldersLeaseReadsInvalidBeforeAnyoneElseIsGranted() throws Exception {
        Duration session = Duration.ofSeconds(12);
        TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
        toClose.add(proxy);
        LockClient holder = client(LockClient.builder(
                "zk://" + proxy.hostAndPort() + root + "?sessionTimeout=" + session.toSeconds() + "s&onSuspend=grace"));
        Lease stale = holder.lock("frozen").acquire(Duration.ZERO);
        List<String> order = new CopyOnWriteArrayList<>();
        stale.onLost((lost, reason) -> order.add("holder told: " + reason));
        LockClient waiter = client(LockClient.builder(context -> new ObservedBackend(
                new ZooKeeperBackendProvider().open(uri(""), context),
                () -> order.add(
                        "waiter granted while the holder's lease reads " + (stale.isValid() ? "valid" : "invalid")))));
        CompletableFuture<Lease> next = waiter.lock("frozen").acquireAsync(Duration.ofSeconds(60));
        Poll.until(
                "the waiter queued",
                MARGIN,
                () -> waiter.inspect("frozen").queueLength().orElseThrow() == 1);

        proxy.freeze();
        Lease lease = next.get(session.plus(MARGIN).plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(order)
                .as("what happened, in order")
                .hasSize(2)
                .last()
                .isEqualTo("waiter granted while the holder's lease reads invalid");
        assertThat(order.get(0)).contains("no sync through the ZooKeeper leader confirmed session");
        assertThat(lease.fencingToken()).isGreaterThan(stale.fencingToken());
        proxy.thaw();
        assertThatThrownBy(stale::close).isInstanceOf(LeaseLostException.class);
        lease.close();
    }

    private static long currentSession(ZooKeeperBackend backend) {
        try {
            return handleOf(backend).getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }
}
