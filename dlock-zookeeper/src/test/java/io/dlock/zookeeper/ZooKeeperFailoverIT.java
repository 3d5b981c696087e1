package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockTimeoutException;
import io.dlock.servers.ZooKeeperEnsemble;
import io.dlock.servers.ZooKeeperServer;
import io.dlock.testkit.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ZooKeeper backend when members of a 3-server ensemble die: one is survivable, two are not. */
class ZooKeeperFailoverIT {

    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final String ROOT = "/failover";
    private static ZooKeeperEnsemble ensemble;
    private static ZooKeeperTree tree;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startEnsemble() {
        ensemble = ZooKeeperEnsemble.start(3);
        tree = new ZooKeeperTree(ensemble.connectString());
    }

    @AfterAll
    static void stopEnsemble() {
        if (tree != null) {
            tree.close();
        }
        ensemble.close();
    }

    @AfterEach
    void closeClientsAndRestoreTheEnsemble() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        ensemble.startMissing();
    }

    private LockClient client(String parameters) {
        LockClient client = LockClient.connect(ensemble.uri() + ROOT + "?" + parameters);
        toClose.add(client);
        return client;
    }

    @Test
    void withOneOfThreeServersDownLocksKeepWorkingAndAGraceHolderKeepsItsLock() throws Exception {
        String graceful = "sessionTimeout=10s&onSuspend=grace";
        LockClient holder = client(graceful);
        Lease lease = holder.lock("failover").acquire(Duration.ofSeconds(10));
        ZooKeeperServer hosting = serverHosting(sessionOf("failover")).orElseThrow();
        for (int tries = 0; hosting == ensemble.leader() && tries < 20; tries++) {
            lease.close(); // a follower is wanted, so that its death needs no election
            holder = client(graceful);
            lease = holder.lock("failover").acquire(Duration.ofSeconds(10));
            hosting = serverHosting(sessionOf("failover")).orElseThrow();
        }
        assertThat(hosting).as("holder on a follower").isNotSameAs(ensemble.leader());
        AtomicReference<String> lost = new AtomicReference<>();
        lease.onLost((l, reason) -> lost.set(reason));
        long session = sessionOf("failover");

        hosting.kill();
        Poll.until(
                "the holder's session moved to a surviving server", Duration.ofSeconds(10), () -> serverHosting(session)
                        .isPresent());
        assertThat(lost.get()).as("loss reported").isNull();
        assertThat(lease.isValid()).isTrue();

        LockClient other = client("sessionTimeout=4s");
        assertThat(other.lock("failover").tryAcquire(Duration.ZERO))
                .as("still held by the holder")
                .isEmpty();
        try (Lease elsewhere = other.lock("elsewhere").acquire(Duration.ofSeconds(10))) {
            assertThat(elsewhere.isValid()).isTrue();
        }
        lease.close();
        try (Lease next = other.lock("failover").acquire(Duration.ofSeconds(10))) {
            assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        }
    }

    @Test
    void withTwoOfThreeDownAcquireFailsCleanlyAndNoHolderBelievesItHoldsPastItsSession() throws Exception {
        Duration session = Duration.ofSeconds(3);
        String parameters = "sessionTimeout=3s&connectionTimeout=1s";
        LockClient holder = client(parameters);
        LockClient waiter = client(parameters);
        Lease lease = holder.lock("quorum-loss").acquire(Duration.ofSeconds(10));
        AtomicReference<String> lost = new AtomicReference<>();
        lease.onLost((l, reason) -> lost.set(reason));

        ensemble.servers().get(0).kill();
        ensemble.servers().get(1).kill();
        Poll.until("the holder no longer believes it holds the lock", session, () -> !lease.isValid());
        assertThatThrownBy(() -> waiter.lock("quorum-loss").acquire(Duration.ofSeconds(2)))
                .isInstanceOfAny(BackendUnavailableException.class, LockTimeoutException.class);
        Poll.until("the holder's listener fired", MARGIN, () -> lost.get() != null);
        // The failed waiter's clean-up waits for the quorum without Curator retrying on its own:
        // its protected mode, with retries off, searched for a lost create's node again and again,
        // each time deeper in one recursion, logging an ever longer stack trace.
        PrintStream original = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            Poll.throughout(
                    Duration.ofSeconds(2),
                    () -> assertThat(ensemble.servers().get(0).isRunning()).isFalse());
        } finally {
            System.setErr(original);
        }
        assertThat(logged.toString(StandardCharsets.UTF_8))
                .as("Curator's protected-mode search during the outage")
                .doesNotContain("FindAndDeleteProtectedNodeInBackground");

        ensemble.startMissing();
        Poll.until(
                "no node of the lost lock or the failed waiter left",
                session.plus(MARGIN).plus(MARGIN),
                () -> tree.lockNodes(ROOT, "quorum-loss").isEmpty());
        try (Lease next = waiter.lock("quorum-loss").acquire(MARGIN)) {
            assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        }
    }

    /**
     * {@code onSuspend=grace} with 2 of 3 servers killed: the holder's connection is suspended
     * (its server died, or lost its quorum and dropped its clients) and its lease must read
     * invalid within T/4 of that, before the waiter, trying all along, is granted the lock once
     * the quorum is back.
     */
    @Test
    void withOnSuspendGraceAndTwoOfThreeDownTheHolderReadsInvalidBeforeAnyoneElseIsGranted() throws Exception {
        Duration session = Duration.ofSeconds(6);
        String parameters = "sessionTimeout=" + session.toSeconds() + "s&connectionTimeout=1s";
        LockClient holder = client(parameters + "&onSuspend=grace");
        Lease lease = holder.lock("grace-quorum-loss").acquire(Duration.ofSeconds(10));
        List<String> order = new CopyOnWriteArrayList<>();
        lease.onLost((l, reason) -> order.add("holder told"));
        LockClient waiter = LockClient.builder(context -> new ObservedBackend(
                        new ZooKeeperBackendProvider().open(ensemble.uri() + ROOT + "?" + parameters, context),
                        () -> order.add("waiter granted while the holder's lease reads "
                                + (lease.isValid() ? "valid" : "invalid"))))
                .build();
        toClose.add(waiter);

        ensemble.servers().get(0).kill();
        ensemble.servers().get(1).kill();
        CompletableFuture<Lease> next = waiter.lock("grace-quorum-loss").acquireAsync(Duration.ofMinutes(2));
        Poll.until("the holder no longer believes it holds the lock", session, () -> !lease.isValid());
        Poll.until("the holder's listener fired", MARGIN, () -> order.contains("holder told"));
        assertThat(next).as("no grant without a quorum").isNotDone();

        ensemble.startMissing();
        Lease granted = next.get(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(order)
                .as("what happened, in order")
                .containsExactly("holder told", "waiter granted while the holder's lease reads invalid");
        assertThat(granted.fencingToken()).isGreaterThan(lease.fencingToken());
        granted.close();
    }

    private static long sessionOf(String name) {
        List<String> nodes = tree.lockNodes(ROOT, name);
        assertThat(nodes).hasSize(1);
        return tree.stat(ROOT + "/" + LockNames.encode(name) + "/" + nodes.get(0))
                .getEphemeralOwner();
    }

    private static Optional<ZooKeeperServer> serverHosting(long session) {
        String sid = "sid=0x" + Long.toHexString(session);
        return ensemble.servers().stream()
                .filter(server -> server.isRunning()
                        && server.isServing()
                        && server.fourLetterWord("cons").contains(sid))
                .findFirst();
    }
}
