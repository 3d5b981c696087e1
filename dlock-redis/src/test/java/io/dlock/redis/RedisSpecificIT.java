package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.DistributedLock;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockException;
import io.dlock.servers.PausableScheduler;
import io.dlock.servers.RedisServer;
import io.dlock.servers.TcpProxy;
import io.dlock.spi.LockRequest;
import io.dlock.testkit.Poll;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Behaviour particular to the Redis backend: keys, scripts, pub/sub, credentials, lost replies. */
class RedisSpecificIT {

    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static RedisServer server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (!server.isRunning()) {
            server.restart();
        }
    }

    private LockClient client(String uri) {
        LockClient client = LockClient.connect(uri);
        toClose.add(client);
        return client;
    }

    @Test
    void theLockIsOneHashTaggedKeyWithItsOwnerAndToken() throws Exception {
        try (Lease lease = client(server.uri()).lock("orders:42").acquire(Duration.ofSeconds(5))) {
            assertThat(server.command("HGET", "dlock:{orders:42}", "owner")).isEqualTo(lease.owner());
            assertThat(server.command("HGET", "dlock:{orders:42}", "token"))
                    .isEqualTo(Long.toString(lease.fencingToken()));
            assertThat(Long.parseLong(
                            server.command("PTTL", "dlock:{orders:42}").substring(1)))
                    .isBetween(1L, 30_000L);
        }
        assertThat(server.command("EXISTS", "dlock:{orders:42}"))
                .as("the lock's hash after release")
                .isEqualTo(":0");
        assertThat(Long.parseLong(
                        server.command("PTTL", "dlock:{orders:42}:token").substring(1)))
                .as("the fencing counter stays for an hour")
                .isGreaterThan(3_500_000L);
    }

    @Test
    void aDatabaseNumberInTheUriKeepsTheLocksInThatDatabase() throws Exception {
        try (Lease lease = client(server.uri() + "/3").lock("in-db-3").acquire(Duration.ofSeconds(5))) {
            assertThat(server.command("INFO", "keyspace")).contains("db3:keys=");
            assertThat(server.command("HGET", "dlock:{in-db-3}", "owner"))
                    .as("nothing in database 0")
                    .isEqualTo("(nil)");
            assertThat(lease.isValid()).isTrue();
        }
    }

    @Test
    void theFencingCounterOutlivesAnExpiredLockSoTokensDoNotFallBackToTheClock() throws Exception {
        // A counter far ahead of the server's clock: tokens can only exceed it if it is remembered.
        long ahead = (System.currentTimeMillis() + Duration.ofDays(365).toMillis()) * 1_000;
        assertThat(server.command("SET", "dlock:{outlives}:token", Long.toString(ahead)))
                .isEqualTo("+OK");
        LockClient client = client(server.uri());
        Lease fixed = client.lock("outlives").acquire(Duration.ZERO, Duration.ofMillis(100));
        assertThat(fixed.fencingToken()).isEqualTo(ahead + 1);
        Poll.until("the fixed lease expired on the server", MARGIN, () -> server.command("EXISTS", "dlock:{outlives}")
                .equals(":0"));
        try (Lease next = client.lock("outlives").acquire(Duration.ZERO)) {
            assertThat(next.fencingToken()).isEqualTo(ahead + 2);
        }
    }

    @Test
    void scriptsAreSentAgainWhenTheServerForgotThem() throws Exception {
        LockClient client = client(server.uri());
        client.lock("script-cache").acquire(Duration.ofSeconds(5)).close();
        assertThat(server.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
        try (Lease lease = client.lock("script-cache").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.isValid()).isTrue();
        }
    }

    @Test
    void aScriptSentAgainHasACommandTimeoutOfItsOwn() throws Exception {
        try (TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port())) {
            LockClient client = client("redis://" + proxy.hostAndPort() + "?timeout=1s");
            client.lock("resent").acquire(Duration.ZERO).close();
            assertThat(server.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
            // 600 ms a round trip: the unknown script's NOSCRIPT and the EVAL that follows take
            // 1.2 s together, each well within the 1 s timeout.
            proxy.setLatency(Duration.ofMillis(300));
            try (Lease lease = client.lock("resent").acquire(Duration.ZERO)) {
                assertThat(lease.isValid()).isTrue();
            }
        }
    }

    @Test
    void anErrorReplyFailsTheAttemptNamingTheServerAndItsReason() throws Exception {
        try (RedisServer replica = RedisServer.start()) {
            LockClient client = client(replica.uri());
            client.lock("on-replica").acquire(Duration.ZERO).close();
            assertThat(replica.command("REPLICAOF", "127.0.0.1", Integer.toString(server.port())))
                    .isEqualTo("+OK");
            // A read-only replica answers the script with an error reply, READONLY: a server that
            // does not serve writes now, so the attempt fails as unavailable (the engine retries
            // such failures while its wait lasts).
            assertThatThrownBy(() -> client.lock("on-replica").acquire(Duration.ZERO))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining(replica.hostAndPort())
                    .hasMessageContaining("READONLY");
        }
    }

    @Test
    void waitersOfOneClientShareOnePubSubConnection() throws Exception {
        LockClient holder = client(server.uri());
        LockClient waiter = client(server.uri());
        List<Lease> held = new ArrayList<>();
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(holder.lock("shared-sub:" + i).acquire(Duration.ofSeconds(5)));
            waiting.add(waiter.lock("shared-sub:" + i).acquireAsync(Duration.ofSeconds(30)));
            waiting.add(waiter.lock("shared-sub:" + i).acquireAsync(Duration.ofSeconds(30)));
        }
        Poll.until(
                "five release channels subscribed",
                MARGIN,
                () -> server.command("PUBSUB", "CHANNELS", "dlock:{shared-sub:*")
                                .split("\n")
                                .length
                        == 5);
        assertThat(server.command("CLIENT", "LIST", "TYPE", "pubsub").lines().count())
                .as("pub/sub connections")
                .isEqualTo(1);
        for (Lease lease : held) {
            lease.close();
        }
        CompletableFuture.allOf(waiting.stream()
                        .map(next -> next.thenAccept(Lease::close))
                        .toArray(CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
        Poll.until(
                "channels unsubscribed a linger after the last waiter",
                ReleaseSubscriptions.LINGER.plus(MARGIN),
                () -> server.command("PUBSUB", "CHANNELS", "dlock:{shared-sub:*")
                        .isEmpty());
    }

    @Test
    void threadsOfOneClientWaitingForOneLockDoNotSpinAgainstTheServer() throws Exception {
        LockClient client = client(server.uri());
        client.lock("handoff").acquire(Duration.ofSeconds(5)).close(); // scripts loaded, channel warm
        int threads = 8;
        int rounds = 25;
        long before = scriptCalls();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        client.lock("handoff").acquire(Duration.ofSeconds(30)).close();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        double perHandoff = (scriptCalls() - before) / (double) (threads * rounds);
        // A handoff needs a release and the next waiter's acquire; the waiter also makes one
        // denied attempt when it becomes first in line. Waking all seven waiters would cost 8+.
        assertThat(perHandoff).as("script calls per acquire+release").isLessThan(3.5);
    }

    @Test
    void anUncontendedAcquireAndReleaseRunsOnlyTheCommandsItsGuaranteesNeed() throws Exception {
        DistributedLock lock = client(server.uri()).lock("commands");
        lock.acquire(Duration.ZERO).close(); // scripts loaded, connection warm
        int cycles = 200;
        Map<String, Long> before = commandCalls();
        for (int i = 0; i < cycles; i++) {
            lock.acquire(Duration.ZERO).close();
        }
        Map<String, Long> after = commandCalls();
        Map<String, Double> perCycle = new TreeMap<>();
        after.forEach((command, calls) -> {
            long delta = calls - before.getOrDefault(command, 0L);
            if (delta > 0 && !command.equals("info")) {
                perCycle.put(command, delta / (double) cycles);
            }
        });
        // Acquire: the script, the owner check (HGET), the fencing counter read (GET) and write
        // (SET ... PX, which also keeps it remembered for its hour), the lock's owner and token
        // (HSET) and its lease (PEXPIRE). Release: the script, the owner check and whether anyone
        // waits (HMGET), DEL. No TIME while the counter is remembered, no PUBLISH when nobody
        // waits, no pub/sub for an uncontended acquire.
        assertThat(perCycle)
                .as("server commands per acquire + release")
                .isEqualTo(Map.of(
                        "evalsha", 2.0, "hget", 1.0, "hmget", 1.0, "get", 1.0, "set", 1.0, "hset", 1.0, "pexpire", 1.0,
                        "del", 1.0));
    }

    /** Calls per command (lower case, as {@code INFO commandstats} names them) since the server started. */
    private static Map<String, Long> commandCalls() {
        Map<String, Long> calls = new TreeMap<>();
        server.command("INFO", "commandstats")
                .lines()
                .filter(line -> line.startsWith("cmdstat_"))
                .forEach(line -> calls.put(
                        line.substring("cmdstat_".length(), line.indexOf(':')),
                        Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"))));
        return calls;
    }

    private static long scriptCalls() {
        return server.command("INFO", "commandstats")
                .lines()
                .filter(line -> line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1")))
                .sum();
    }

    @Test
    void anAcquireWhoseReplyWasLostLeavesNoLockBehind() throws Exception {
        LockClient client = client(server.uri() + "?timeout=200ms");
        server.pause();
        try {
            assertThatThrownBy(() -> client.lock("lost-reply").acquire(Duration.ofMillis(800)))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("lost-reply")
                    .hasMessageContaining("did not answer");
        } finally {
            server.resume();
        }
        // The paused server still runs the queued acquire when it resumes; the release the
        // client sent by owner id runs right after it, long before the 30 s lease would end.
        Poll.until("no lock left by the abandoned acquisition", MARGIN, () -> server.command(
                        "HEXISTS", "dlock:{lost-reply}", "owner")
                .equals(":0"));
        assertThat(client.lock("lost-reply").tryAcquire(Duration.ZERO)).isPresent();
    }

    @Test
    void callsWaitingTogetherForAStalledServerEachTimeOutAtTheirOwnDeadline() throws Exception {
        LockClient client = client(server.uri() + "?timeout=600ms");
        client.lock("stalled-warm-up").acquire(Duration.ZERO).close(); // the scripts are loaded
        server.pause();
        try {
            long firstSent = System.nanoTime();
            CompletableFuture<Long> first = failedAt(client.lock("stalled-1").acquireAsync(Duration.ZERO));
            // The second call goes out while the first still waits, so its deadline comes later.
            Poll.until("300 ms after the first call", MARGIN, () -> System.nanoTime() - firstSent >= 300_000_000L);
            long secondSent = System.nanoTime();
            CompletableFuture<Long> second = failedAt(client.lock("stalled-2").acquireAsync(Duration.ZERO));
            long firstFailed = first.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            long secondFailed = second.get(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(firstFailed - firstSent)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(Duration.ofNanos(secondFailed - secondSent)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(firstFailed).as("the first call's deadline came first").isLessThan(secondFailed);
        } finally {
            server.resume();
        }
    }

    /** When {@code acquisition} failed as the server not answering in time; it must not succeed. */
    private static CompletableFuture<Long> failedAt(CompletableFuture<Lease> acquisition) {
        return acquisition.handle((lease, error) -> {
            long at = System.nanoTime();
            assertThat(error)
                    .isNotNull()
                    .cause()
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("did not answer within 600 ms");
            return at;
        });
    }

    @Test
    void aHolderIsToldWhenTheServerLosesItsLock() throws Exception {
        LockClient client = LockClient.builder(server.uri())
                .defaultLease(Duration.ofSeconds(1))
                .build();
        toClose.add(client);
        Lease lease = client.lock("lost-by-restart").acquire(Duration.ofSeconds(5));
        CountDownLatch told = new CountDownLatch(1);
        lease.onLost((l, reason) -> told.countDown());
        server.restartLosingData();
        assertThat(told.await(MARGIN.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void renewalsSplitIntoSeveralScriptCallsStillTellEachLeaseItsOwnResult() throws Exception {
        ClientResources resources = DefaultClientResources.create();
        try (PausableScheduler scheduler = new PausableScheduler();
                RedisNode node = RedisNode.connect(RedisEndpoint.parse(server.uri()), resources, scheduler)) {
            int count = 2 * RedisNode.RENEWALS_PER_CALL + 500;
            List<LockRequest> held = new ArrayList<>(count);
            List<CompletableFuture<RedisNode.NodeGrant>> grants = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                LockRequest request = LockRequest.mutex("renew-batch:" + i, "owner-" + i, Duration.ofSeconds(10));
                held.add(request);
                grants.add(node.acquire(Keys.of(request.name()), request, OptionalLong.empty(), OptionalLong.empty())
                        .toCompletableFuture());
            }
            assertThat(grants)
                    .allSatisfy(grant -> assertThat(grant.join().granted()).isTrue());
            int stolen = RedisNode.RENEWALS_PER_CALL + 234;
            server.command("DEL", "dlock:{renew-batch:" + stolen + "}");

            List<LockRequest> longer = held.stream()
                    .map(request -> LockRequest.mutex(request.name(), request.owner(), Duration.ofSeconds(60)))
                    .toList();
            List<Boolean> renewed = node.renew(longer).toCompletableFuture().join();

            assertThat(renewed).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(renewed.get(i)).as("lease %d renewed", i).isEqualTo(i != stolen);
            }
            for (int i : new int[] {0, RedisNode.RENEWALS_PER_CALL - 1, RedisNode.RENEWALS_PER_CALL, count - 1}) {
                long ttl = Long.parseLong(
                        server.command("PTTL", "dlock:{renew-batch:" + i + "}").substring(1));
                assertThat(ttl).as("ttl of lock %d", i).isGreaterThan(10_000);
            }
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreachableServerIsNamedWithTheReason() {
        RedisServer stopped = RedisServer.start();
        String uri = stopped.uri();
        stopped.close();
        assertThatThrownBy(() -> LockClient.connect(uri))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(uri)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void credentialsWorkAndNeverAppearInMessages() throws Exception {
        try (RedisServer secured = RedisServer.start("--requirepass", "s3cret-pw")) {
            assertThat(secured.commandAs(
                            null,
                            "s3cret-pw",
                            "ACL",
                            "SETUSER",
                            "alice",
                            "on",
                            ">al1ce-pw",
                            "~dlock:*",
                            "resetchannels",
                            "&dlock:*",
                            "+@all"))
                    .isEqualTo("+OK");
            String host = secured.hostAndPort();
            try (LockClient ok = LockClient.connect("redis://:s3cret-pw@" + host);
                    Lease lease = ok.lock("secured").acquire(Duration.ofSeconds(5))) {
                assertThat(lease.isValid()).isTrue();
            }
            try (LockClient alice = LockClient.connect("redis://alice:al1ce-pw@" + host)) {
                alice.lock("secured").acquire(Duration.ofSeconds(5)).close();
            }
            assertThatThrownBy(() -> LockClient.connect("redis://alice:wrong-pw@" + host))
                    .isInstanceOf(LockException.class)
                    .hasMessageContaining("redis://alice@" + host)
                    .satisfies(e -> assertThat(describeFully(e)).doesNotContain("wrong-pw"));
            assertThatThrownBy(() -> LockClient.connect("redis://:bad-pw@" + host))
                    .isInstanceOf(LockException.class)
                    .satisfies(e -> assertThat(describeFully(e)).doesNotContain("bad-pw"));
        }
    }

    @Test
    void malformedUrisAreRejectedWithTheReason() {
        assertThatThrownBy(() -> LockClient.connect("redis://"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://");
        assertThatThrownBy(() -> LockClient.connect("localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme");
        assertThatThrownBy(() -> LockClient.connect("mongodb://localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mongodb")
                .hasMessageContaining("redis");
    }

    private static String describeFully(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable e = error; e != null; e = e.getCause()) {
            text.append(e).append('\n');
        }
        return text.toString();
    }
}
