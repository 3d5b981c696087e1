package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockException;
import io.dlock.LockState;
import io.dlock.servers.TcpProxy;
import io.dlock.servers.ZooKeeperServer;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behaviour particular to the ZooKeeper backend, against a standalone server: queue order, one
 * wake-up per release, names, containers, lost replies, credentials.
 */
class ZooKeeperSpecificIT {

    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final Duration SESSION = Duration.ofSeconds(4);
    /** A session that cannot expire during a test that relies on it living on (polls stay well below it). */
    private static final Duration LONG_SESSION = Duration.ofSeconds(30);

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
        root = "/specific/" + test.getTestMethod().orElseThrow().getName();
    }

    /**
     * Checks, before the clients are closed (closing them would delete their nodes with their
     * sessions), that no lock node is left in an open client's session, within a bound shorter
     * than the session; every test releases what it took.
     */
    @AfterEach
    void checkNoOrphanThenCloseClients() throws Exception {
        try {
            Poll.until(
                    "no lock node left under " + root + " in an open session",
                    SESSION.minusSeconds(1),
                    () -> tree.children(root).stream().allMatch(lock -> tree.nodesIn(
                                    root + "/" + lock, OpenSessions.on(List.of(server)), token -> false)
                            .isEmpty()));
        } finally {
            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
        }
    }

    private String uri(String hosts, String parameters) {
        return "zk://" + hosts + root + "?sessionTimeout=" + SESSION.toSeconds() + "s" + parameters;
    }

    private LockClient client() {
        return client(uri(server.hostAndPort(), ""));
    }

    private LockClient client(String uri) {
        return client(LockClient.builder(uri));
    }

    private LockClient client(LockClient.Builder builder) {
        LockClient client = builder.build();
        toClose.add(client);
        return client;
    }

    @Test
    void waitersGetTheLockInTheOrderTheyQueued() throws Exception {
        Lease held = client().lock("fifo").acquire(Duration.ofSeconds(5));
        List<Integer> granted = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LockClient waiter = client();
            int position = i;
            // Each waiter notes its turn and passes the lock on at once, so that a waiter served out
            // of order shows in the record instead of stalling the test.
            released.add(
                    waiter.lock("fifo").acquireAsync(Duration.ofSeconds(60)).thenCompose(lease -> {
                        granted.add(position);
                        return lease.releaseAsync();
                    }));
            int queued = i + 1;
            Poll.until(
                    queued + " waiters queued",
                    MARGIN,
                    () -> waiter.inspect("fifo").queueLength().orElseThrow() == queued);
        }
        held.close();
        CompletableFuture.allOf(released.toArray(CompletableFuture[]::new))
                .get(MARGIN.multipliedBy(5).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(granted)
                .as("waiters in the order they were granted the lock")
                .containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aReleaseWakesExactlyOneWaiter() throws Exception {
        AtomicInteger wakeUps = new AtomicInteger();
        Lease held = client().lock("herd").acquire(Duration.ofSeconds(5));
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LockClient waiter = LockClient.builder(context -> new CountingBackend(
                            new ZooKeeperBackendProvider().open(uri(server.hostAndPort(), ""), context), wakeUps))
                    .build();
            toClose.add(waiter);
            waiting.add(waiter.lock("herd").acquireAsync(Duration.ofSeconds(60)));
            int queued = i + 1;
            Poll.until(
                    queued + " waiters queued",
                    MARGIN,
                    () -> waiter.inspect("herd").queueLength().orElseThrow() == queued);
        }
        assertThat(wakeUps).as("wake-ups before the release").hasValue(0);
        held.close();
        Lease next = waiting.get(0).get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        Poll.throughout(
                Duration.ofSeconds(1),
                () -> assertThat(wakeUps).as("waiters woken by one release").hasValue(1));
        next.close();
        for (int i = 1; i < 5; i++) {
            waiting.get(i).get(MARGIN.toMillis(), TimeUnit.MILLISECONDS).close();
        }
        assertThat(wakeUps).as("one wake-up per release").hasValue(5);
    }

    @Test
    void aSimpleHoldersReleaseWakesOneFairWaiter() throws Exception {
        AtomicInteger wakeUps = new AtomicInteger();
        Lease bySimple = client(uri(server.hostAndPort(), "&mode=simple"))
                .lock("mixed-herd")
                .acquire(Duration.ZERO);
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LockClient waiter = LockClient.builder(context -> new CountingBackend(
                            new ZooKeeperBackendProvider().open(uri(server.hostAndPort(), ""), context), wakeUps))
                    .build();
            toClose.add(waiter);
            waiting.add(waiter.lock("mixed-herd").acquireAsync(Duration.ofSeconds(60)));
            int queued = i + 1;
            Poll.until(
                    queued + " fair waiters queued behind the simple holder",
                    MARGIN,
                    () -> waiter.inspect("mixed-herd").queueLength().orElseThrow() == queued);
        }
        bySimple.close();
        Lease next = waiting.get(0).get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        Poll.throughout(Duration.ofSeconds(1), () -> assertThat(wakeUps)
                .as("fair waiters woken by the release")
                .hasValue(1));
        next.close();
        for (int i = 1; i < 3; i++) {
            waiting.get(i).get(MARGIN.toMillis(), TimeUnit.MILLISECONDS).close();
        }
    }

    @Test
    void aFreeLockIsTakenInOneRoundTripAndReleasedInAnother() throws Exception {
        String keeper = root + "/" + LockNames.encode("one-trip") + "/keeper";
        // A node that is no queue node keeps the lock's container from being reaped between the
        // acquisitions, as a lock in use keeps it; the queue ignores it.
        tree.client().create().creatingParentContainersIfNeeded().forPath(keeper);
        try {
            TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
            toClose.add(proxy);
            CountedClient counted =
                    countedClient("zk://" + proxy.hostAndPort() + root + "?sessionTimeout=20s", builder -> builder);
            LockClient client = counted.client();
            SessionRequests requests = requestsOf(counted, "one-trip");
            long before = requests.lastRequestId();

            proxy.freezeReplies();
            CompletableFuture<Lease> acquiring = client.lock("one-trip").acquireAsync(Duration.ofSeconds(30));
            Poll.until(
                    "the server received the queue node's creation and the queue's reading",
                    MARGIN,
                    () -> requests.lastRequestIdAtMost() == before + 2);
            assertThat(acquiring)
                    .as("acquired before any reply reached the client")
                    .isNotDone();
            proxy.thaw();
            Lease lease = acquiring.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(requests.lastRequestId()).as("requests sent to acquire").isEqualTo(before + 2);
            lease.close();
            assertThat(requests.lastRequestId())
                    .as("requests sent to acquire and release")
                    .isEqualTo(before + 3);
        } finally {
            tree.client().delete().forPath(keeper);
        }
    }

    @Test
    void aLockWithoutContainerIsTakenWithOneMoreRoundTrip() throws Exception {
        String keeper = root + "/keeper";
        tree.client().create().creatingParentContainersIfNeeded().forPath(keeper); // keeps the root from being reaped
        try {
            CountedClient counted = countedClient(uri(server.hostAndPort(), ""), builder -> builder);
            SessionRequests requests = requestsOf(counted, "warm-up");
            long before = requests.lastRequestId();
            Lease lease = counted.client().lock("no-container-yet").acquire(Duration.ZERO);
            // The node's creation fails for want of a container, with the reading sent alongside;
            // then the container, the node and the reading go together.
            assertThat(requests.lastRequestId()).as("requests sent to acquire").isEqualTo(before + 5);
            lease.close();
        } finally {
            tree.client().delete().forPath(keeper);
        }
    }

    @Test
    void aLockIsTakenAgainAfterTheServersReapedItsContainerAndTheRoot() throws Exception {
        LockClient client = client();
        client.lock("reaped").acquire(Duration.ZERO).close();
        Poll.until("the root reaped", Duration.ofSeconds(10).plus(MARGIN), () -> tree.stat(root) == null);
        try (Lease lease = client.lock("reaped").acquire(Duration.ZERO)) {
            assertThat(tree.lockNodes(root, "reaped")).hasSize(1);
            assertThat(lease.isValid()).isTrue();
        }
    }

    @Test
    void theWaiterRightBehindTheHolderTakesOverWithoutARequestAndOneFurtherBackReadsTheQueueOnce() throws Exception {
        Lease held = client().lock("hand-over").acquire(Duration.ZERO);
        CountedClient first = waiterWithoutTimedRetries();
        CountedClient second = waiterWithoutTimedRetries();
        SessionRequests firstRequests = requestsOf(first, "warm-up");
        SessionRequests secondRequests = requestsOf(second, "warm-up");
        long firstBefore = firstRequests.lastRequestId();
        long secondBefore = secondRequests.lastRequestId();
        CompletableFuture<Lease> firstWaiting = first.client().lock("hand-over").acquireAsync(Duration.ofSeconds(60));
        Poll.until(
                "the first waiter queued and watches the holder",
                MARGIN,
                () -> firstRequests.lastRequestId() == firstBefore + 3);
        CompletableFuture<Lease> secondWaiting =
                second.client().lock("hand-over").acquireAsync(Duration.ofSeconds(60));
        Poll.until(
                "the second waiter queued and watches the first",
                MARGIN,
                () -> secondRequests.lastRequestId() == secondBefore + 3);

        held.close();
        Lease firstLease = firstWaiting.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(firstRequests.lastRequestId())
                .as("requests sent to queue right behind the holder and take over")
                .isEqualTo(firstBefore + 3);
        assertThat(secondWaiting).isNotDone();
        firstLease.close();
        Lease secondLease = secondWaiting.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(secondRequests.lastRequestId())
                .as("requests sent to queue further back and take over")
                .isEqualTo(secondBefore + 4);
        secondLease.close();
    }

    /**
     * The cost of having the leader confirm the session: an idle client sends one sync every
     * sixth of the session timeout (after the previous one's answer), which its server passes to
     * the leader; nothing else but heartbeats, which are not numbered.
     */
    @Test
    void anIdleClientSendsOneSyncEverySixthOfTheSessionTimeout() throws Exception {
        CountedClient counted = countedClient(uri(server.hostAndPort(), ""), builder -> builder);
        SessionRequests requests = requestsOf(counted, "warm-up");
        long others = requests.lastRequestId();
        long period = SESSION.dividedBy(6).toNanos();
        long start = System.nanoTime();
        long first = requests.receivedRequestId();
        Poll.throughout(SESSION, () -> assertThat(requests.receivedRequestId() - first)
                .as("requests while idle")
                .isLessThanOrEqualTo((System.nanoTime() - start) / period + 1));
        assertThat(requests.receivedRequestId() - first)
                .as("syncs in " + SESSION.toMillis() + " ms")
                .isGreaterThanOrEqualTo(3);
        assertThat(requests.lastRequestId()).as("requests other than syncs").isEqualTo(others);
    }

    /** A counted client whose waiters only wake up on a release's notification, never on a timer, within a test. */
    private CountedClient waiterWithoutTimedRetries() {
        return countedClient(uri(server.hostAndPort(), ""), builder -> builder.maxRetryDelay(Duration.ofMinutes(10)));
    }

    /** A client whose requests a test counts at the server, and what sends its background syncs. */
    private record CountedClient(LockClient client, LeaderConfirmation syncs) {}

    /** A client of {@code uri}, built with {@code settings}, whose requests a test can count. */
    private CountedClient countedClient(String uri, UnaryOperator<LockClient.Builder> settings) {
        AtomicReference<ZooKeeperBackend> backend = new AtomicReference<>();
        LockClient client = client(settings.apply(LockClient.builder(context -> {
            backend.set((ZooKeeperBackend) new ZooKeeperBackendProvider().open(uri, context));
            return backend.get();
        })));
        return new CountedClient(client, backend.get().confirmation());
    }

    /** The request counter of {@code counted}'s session, found through lock {@code name}, taken and released. */
    private SessionRequests requestsOf(CountedClient counted, String name) throws InterruptedException {
        try (Lease lease = counted.client().lock(name).acquire(Duration.ZERO)) {
            String container = root + "/" + LockNames.encode(lease.name());
            String node = tree.children(container).stream()
                    .filter(child -> child.contains(LockPaths.QUEUE_NODE))
                    .findFirst()
                    .orElseThrow();
            return new SessionRequests(server, tree.stat(container + "/" + node).getEphemeralOwner(), counted.syncs());
        }
    }

    @Test
    void namesZooKeeperCannotHoldAreEncodedAndStayDistinct() throws Exception {
        LockClient client = client();
        List<String> names = List.of(
                "/",
                "%002F",
                ".",
                "..",
                "a/b/../c",
                "%",
                "zookeeper",
                "grüße ñ",
                "\uD83D\uDE00",
                "\uD800",
                "\uE000",
                "\uFFFF",
                " spaced ",
                "x".repeat(256));
        List<Lease> leases = new ArrayList<>();
        for (String name : names) {
            leases.add(client.lock(name).acquire(Duration.ZERO));
        }
        for (int i = 0; i < names.size(); i++) {
            LockState state = client.inspect(names.get(i));
            assertThat(state.holder().orElseThrow().owner())
                    .isEqualTo(leases.get(i).owner());
            assertThat(tree.children(root + "/" + LockNames.encode(names.get(i))))
                    .hasSize(1);
        }
        assertThat(tree.children(root)).hasSize(names.size());
        for (Lease lease : leases) {
            lease.close();
        }
    }

    @Test
    void manyNamesAndTimeoutsLeaveNothingBehindOnceContainersAreReaped() throws Exception {
        LockClient client = client();
        LockClient other = client();
        for (int i = 0; i < 100; i++) {
            client.lock("many:" + i).acquire(Duration.ofSeconds(5)).close();
        }
        Lease held = client.lock("contended").acquire(Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            assertThat(other.lock("contended").tryAcquire(Duration.ofMillis(50)))
                    .isEmpty();
        }
        Poll.until(
                "timed-out waiters left the queue",
                MARGIN,
                () -> other.inspect("contended").queueLength().orElseThrow() == 0);
        held.close();
        Poll.until("every lock container reaped", Duration.ofSeconds(10).plus(MARGIN), () -> tree.children(root)
                .isEmpty());
    }

    /**
     * The reply to an acquisition's creation is lost (the connection resets after the server
     * created the node), and the acquisition gives up. The client's session is long and lives
     * on, so the node goes only if the client deletes it: the acquisition's release, retried by
     * the engine until the connection is back, finds it by its protection id in fair mode, and
     * by the abandoned owner id in the holder node in simple mode.
     */
    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"fair", "simple"})
    void aCreateWhoseReplyWasLostLeavesNoNodeBehind(String mode) throws Exception {
        String container = root + "/" + LockNames.encode("lost-reply");
        // Keeps the lock's container, so that the creation needs no reply before it reaches the server.
        tree.client().create().creatingParentContainersIfNeeded().forPath(container + "/keeper");
        try {
            TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
            toClose.add(proxy);
            String cutUri = "zk://" + proxy.hostAndPort() + root + "?sessionTimeout=" + LONG_SESSION.toSeconds()
                    + "s&connectionTimeout=2s&mode=" + mode;
            AtomicReference<ObservedBackend> observed = new AtomicReference<>();
            LockClient cut = client(LockClient.builder(context -> {
                observed.set(new ObservedBackend(new ZooKeeperBackendProvider().open(cutUri, context)));
                return observed.get();
            }));
            long session = sessionOf(cut);

            proxy.freezeReplies();
            CompletableFuture<Lease> attempt = cut.lock("lost-reply").acquireAsync(Duration.ofMillis(500));
            Poll.until(
                    "the server created the node although the reply is held back",
                    MARGIN,
                    () -> lockNodes("lost-reply").size() == 1);
            proxy.dropConnections();
            Poll.until(
                    "the acquisition gave up and its clean-up ran",
                    MARGIN.multipliedBy(2),
                    () -> attempt.isDone() && observed.get().releasesDone());
            assertThat(attempt).isCompletedExceptionally();
            assertThat(lockNodes("lost-reply"))
                    .as("the orphan while its client is cut off")
                    .hasSize(1);

            proxy.thaw();
            Poll.until("the orphan deleted by its client", MARGIN.multipliedBy(2), () -> lockNodes("lost-reply")
                    .isEmpty());
            assertThat(sessionOf(cut))
                    .as("the cut client's session, which never expired")
                    .isEqualTo(session);
            try (Lease next = client().lock("lost-reply").acquire(Duration.ZERO)) {
                assertThat(next.isValid()).as("no orphan ahead").isTrue();
            }
        } finally {
            tree.client().delete().forPath(container + "/keeper");
        }
    }

    /** The queue and holder nodes of lock {@code name}, without a test's keeper node. */
    private List<String> lockNodes(String name) {
        return tree.lockNodes(root, name).stream()
                .filter(node -> !node.equals("keeper"))
                .toList();
    }

    /** The session of {@code client}, read from the node of a lock it takes and releases. */
    private long sessionOf(LockClient client) throws InterruptedException {
        try (Lease lease = client.lock("session-probe").acquire(MARGIN)) {
            String node = tree.lockNodes(root, lease.name()).get(0);
            return tree.stat(root + "/" + LockNames.encode(lease.name()) + "/" + node)
                    .getEphemeralOwner();
        }
    }

    @Test
    void onlyClientsWithTheCredentialsCanTakeOrDeleteALock() throws Exception {
        String host = server.hostAndPort();
        LockClient alice = client("zk://alice:s3cret-pw@" + host + root);
        Lease lease = alice.lock("guarded").acquire(Duration.ZERO);
        String node = root + "/guarded/" + tree.lockNodes(root, "guarded").get(0);
        assertThatThrownBy(() -> tree.client().delete().forPath(node))
                .isInstanceOf(KeeperException.NoAuthException.class);

        LockClient anonymous = client("zk://" + host + root);
        assertThat(anonymous.inspect("guarded").holder().orElseThrow().owner()).isEqualTo(lease.owner());
        assertThatThrownBy(() -> anonymous.lock("guarded-too").acquire(Duration.ZERO))
                .isInstanceOf(LockException.class)
                .hasMessageContaining("refused");
        LockClient impostor = client("zk://alice:wrong-pw@" + host + root);
        assertThatThrownBy(() -> impostor.lock("guarded").acquire(Duration.ZERO))
                .isInstanceOf(LockException.class)
                .satisfies(e ->
                        assertThat(describeFully(e)).doesNotContain("wrong-pw").doesNotContain("s3cret-pw"));
        lease.close();
    }

    @Test
    void simpleAndFairClientsOfOneLockExcludeEachOther() throws Exception {
        LockClient fair = client();
        LockClient simple = client(uri(server.hostAndPort(), "&mode=simple"));
        Lease bySimple = simple.lock("mixed").acquire(Duration.ZERO);
        assertThat(fair.lock("mixed").tryAcquire(Duration.ofMillis(200))).isEmpty();
        CompletableFuture<Lease> fairWaiter = fair.lock("mixed").acquireAsync(Duration.ofSeconds(30));
        Poll.until(
                "the fair waiter queued",
                MARGIN,
                () -> fair.inspect("mixed").queueLength().orElseThrow() == 1);
        bySimple.close();
        Lease byFair = fairWaiter.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(byFair.fencingToken()).isGreaterThan(bySimple.fencingToken());
        assertThat(simple.lock("mixed").tryAcquire(Duration.ofMillis(200))).isEmpty();
        CompletableFuture<Lease> simpleWaiter = simple.lock("mixed").acquireAsync(Duration.ofSeconds(30));
        byFair.close();
        Lease again = simpleWaiter.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(again.fencingToken()).isGreaterThan(byFair.fencingToken());
        again.close();
    }

    @Test
    void anUnreachableEnsembleIsNamedAndMalformedUrisAreRejected() {
        assertThatThrownBy(() -> LockClient.connect("zk://alice:pw-never-shown@127.0.0.1:1/x?connectionTimeout=500ms"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("zk://alice@127.0.0.1:1/x")
                .satisfies(e -> assertThat(describeFully(e)).doesNotContain("pw-never-shown"));
        assertThatThrownBy(() -> LockClient.connect("zk://"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no server");
        assertThatThrownBy(() -> LockClient.connect("zk://h:2181?color=blue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("color");
    }

    private static String describeFully(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable e = error; e != null; e = e.getCause()) {
            text.append(e).append('\n');
        }
        return text.toString();
    }
}
