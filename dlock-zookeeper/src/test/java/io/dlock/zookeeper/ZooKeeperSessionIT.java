package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.testkit.Poll;
import io.dlock.testkit.ZooKeeperServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
    private LockClient client(String parameters, AtomicReference<ZooKeeperBackend> backend,
            Function<ZooKeeperBackend, io.dlock.spi.LockBackend> decorate) {
        return client(LockClient.builder(context -> {
            backend.set((ZooKeeperBackend) new ZooKeeperBackendProvider().open(uri(parameters), context));
            return decorate.apply(backend.get());
        }).maxRetryDelay(Duration.ofMinutes(10)));
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
        Poll.until("the waiter queued", MARGIN, () -> waiter.inspect("stale").queueLength().orElseThrow() == 1);

        held.close();
        Poll.until("the waiter's watch fired", MARGIN, () -> gate.get().holdsANotification());
        long oldSession = handleOf(backend.get()).getSessionId();
        handleOf(backend.get()).getTestable().injectSessionExpiration(); // as Curator does after a long suspension
        Poll.until("the waiter is on a new session", MARGIN.plus(SESSION), () -> {
            long session = backend.get().curator().getZookeeperClient().isConnected()
                    ? currentSession(backend.get()) : 0;
            return session != 0 && session != oldSession;
        });
        gate.get().open();

        Lease lease = waiting.get(SESSION.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
        Poll.throughout(Duration.ofSeconds(1), () -> assertThat(lease.isValid()).as("the granted lease").isTrue());
        String node = tree.lockNodes(root, "stale").get(0);
        assertThat(tree.stat(root + "/stale/" + node).getEphemeralOwner()).as("the holding node's session")
                .isEqualTo(currentSession(backend.get()));
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
