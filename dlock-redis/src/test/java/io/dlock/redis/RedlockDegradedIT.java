package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.servers.RedisServers;
import io.dlock.servers.TcpProxy;
import io.dlock.testkit.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redlock in the degraded modes it exists for: a node down or slow while clients wait, renew and
 * clean up. What each test asserts is what the client costs the servers and what it promises
 * its callers, not only that locks work.
 */
class RedlockDegradedIT {

    private static final int QUARANTINE_SECONDS = 3;
    private static final Duration LEASE = Duration.ofSeconds(QUARANTINE_SECONDS);
    private static final String SHORT_QUARANTINE = "?restartQuarantine=" + QUARANTINE_SECONDS + "s";
    private static final Pattern SCRIPT_CALLS = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)");

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private RedisServers servers(int count) {
        RedisServers servers = RedisServers.start(count);
        toClose.add(servers);
        Poll.until(
                "servers up for the quarantine",
                Duration.ofSeconds(QUARANTINE_SECONDS + 10),
                () -> servers.all().stream().allMatch(s -> s.uptimeSeconds() > QUARANTINE_SECONDS));
        return servers;
    }

    private LockClient client(String uri, Duration lease) {
        LockClient client = LockClient.builder(uri).defaultLease(lease).build();
        toClose.add(client);
        return client;
    }

    /**
     * One client holds for 10 s while three others wait. Each waiter costs the live nodes about
     * one attempt per second (retries aimed past the holder's lease, capped by the 2 s maximum
     * retry delay), not a retry every few milliseconds, and each gets the lock within 100 ms of
     * the release before it, woken by pub/sub, also while a node is down (it fails fast: its
     * connection is refused).
     */
    @ParameterizedTest(name = "one node down: {0}")
    @ValueSource(booleans = {false, true})
    void waitersCostAboutOneAttemptPerSecondAndAreWokenByTheRelease(boolean oneNodeDown) throws Exception {
        RedisServers servers = servers(3);
        String uri = servers.redlockUri(SHORT_QUARANTINE);
        LockClient holder = client(uri, LEASE);
        List<LockClient> waiters = List.of(client(uri, LEASE), client(uri, LEASE), client(uri, LEASE));
        for (LockClient waiter : waiters) {
            waiter.lock("warm-up").acquire(Duration.ofSeconds(5)).close(); // scripts loaded, connections made
        }
        List<RedisServer> live = servers.all();
        if (oneNodeDown) {
            servers.get(2).kill();
            live = servers.all().subList(0, 2);
        }
        Lease held = holder.lock("contended").acquire(Duration.ofSeconds(5));
        List<Long> callsBefore =
                live.stream().map(RedlockDegradedIT::scriptCalls).toList();
        List<Long> grantedAt = new CopyOnWriteArrayList<>();
        List<Long> releasedAt = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (LockClient waiter : waiters) {
            waiting.add(CompletableFuture.runAsync(() -> {
                try (Lease lease = waiter.lock("contended").acquire(Duration.ofSeconds(60))) {
                    grantedAt.add(System.nanoTime());
                    assertThat(lease.isValid()).isTrue();
                    releasedAt.add(System.nanoTime()); // taken just before close() releases it
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        Duration holding = Duration.ofSeconds(10);
        Poll.throughout(holding, () -> assertThat(grantedAt)
                .as("nobody else while the holder holds")
                .isEmpty());
        List<Long> calls = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            calls.add(scriptCalls(live.get(i)) - callsBefore.get(i));
        }
        releasedAt.add(0, System.nanoTime());
        held.close();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        // Renewals of the holder (every second) and the waiters' attempts; each attempt is one
        // script per live node (a refusal leaves nothing to clean up).
        long renewals = holding.toSeconds() + 1;
        long bound = renewals + waiters.size() * (holding.toSeconds() + 3);
        assertThat(calls)
                .as("scripts run on each live node while the holder held for %s", holding)
                .allMatch(count -> count <= bound, "at most " + bound);
        List<Long> grants = new ArrayList<>(grantedAt);
        Collections.sort(grants);
        List<Long> releases = new ArrayList<>(releasedAt);
        Collections.sort(releases);
        for (int i = 0; i < grants.size(); i++) {
            Duration handOff = Duration.ofNanos(grants.get(i) - releases.get(i));
            assertThat(handOff).as("hand-off %d after its release", i + 1).isLessThan(Duration.ofMillis(100));
        }
    }

    /**
     * A split vote between clients that each won a minority is retried soon, not after the
     * longest retry delay, also with a node down: here two minority "holders" that are not
     * clients of ours block a waiter until one of them lets go.
     */
    @Test
    void aSplitVoteIsRetriedSoonAlsoWithANodeDown() throws Exception {
        RedisServers servers = servers(5);
        servers.get(4).kill();
        LockClient waiter = LockClient.builder(servers.redlockUri(SHORT_QUARANTINE))
                .defaultLease(LEASE)
                .maxRetryDelay(Duration.ofSeconds(10))
                .build();
        toClose.add(waiter);
        waiter.lock("split").acquire(Duration.ofSeconds(5)).close();
        holdAsMinority(servers.get(0), "split", "minority-a");
        holdAsMinority(servers.get(1), "split", "minority-b");
        holdAsMinority(servers.get(2), "split", "minority-b");
        CompletableFuture<Lease> waiting = waiter.lock("split").acquireAsync(Duration.ofSeconds(30));
        Poll.throughout(Duration.ofMillis(300), () -> assertThat(waiting).isNotDone());
        servers.get(1).command("DEL", "dlock:{split}"); // minority-b lets go: with node 3, a majority is free
        servers.get(2).command("DEL", "dlock:{split}");
        long freed = System.nanoTime();
        Lease lease = waiting.get(30, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - freed))
                .as("retried soon, not after the 10 s maximum retry delay")
                .isLessThan(Duration.ofSeconds(3));
        lease.close();
    }

    private static void holdAsMinority(RedisServer server, String name, String owner) {
        server.command("HSET", "dlock:{" + name + "}", "owner", owner, "token", "1");
        server.command("PEXPIRE", "dlock:{" + name + "}", "60000");
    }

    /**
     * A renewal batch where one lease cannot be decided (node 1 lost its key, as a restart
     * without persistence does, and node 2 is down) keeps the other lease of the batch: it stays
     * valid through five lease lengths, and only the undecidable one is lost, at its deadline.
     * The key is deleted directly so that both leases, taken back to back, share every batch.
     */
    @Test
    void aRenewalBatchDecidesEachLeaseOnItsOwn() throws Exception {
        RedisServers servers = servers(3);
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE), LEASE);
        Lease undecidable = client.lock("undecidable").acquire(Duration.ofSeconds(5));
        Lease healthy = client.lock("healthy").acquire(Duration.ofSeconds(5));
        Poll.until("both keys on every node", Duration.ofSeconds(5), () -> servers.all().stream()
                .allMatch(s -> s.command("EXISTS", "dlock:{undecidable}").equals(":1")
                        && s.command("EXISTS", "dlock:{healthy}").equals(":1")));
        AtomicReference<String> lost = new AtomicReference<>();
        undecidable.onLost((l, why) -> lost.set(why));
        servers.get(1).command("DEL", "dlock:{undecidable}");
        servers.get(2).kill();
        Poll.throughout(
                LEASE.multipliedBy(5),
                () -> assertThat(healthy.isValid()).as("the healthy lease").isTrue());
        assertThat(undecidable.isValid()).isFalse();
        assertThat(lost.get()).contains("ran out before a renewal succeeded");
        healthy.close();
    }

    /**
     * An acquisition whose replies are lost (300 ms of silence against a 100 ms node timeout,
     * ending in a reset) leaves its key on every node; its clean-up fails too, is retried on the
     * nodes that may hold the key, and frees the lock soon after the network is back, rather than
     * a whole lease later.
     */
    @Test
    void aCleanUpWhoseRepliesAreLostIsRetriedOnEveryNodeThatMayHoldTheKey() throws Exception {
        RedisServers servers = servers(3);
        List<TcpProxy> proxies = new ArrayList<>();
        for (RedisServer server : servers.all()) {
            TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
            toClose.add(proxy);
            proxies.add(proxy);
        }
        String query = "?nodeTimeout=100ms&restartDetection=false";
        String viaProxies =
                "redlock://" + proxies.stream().map(TcpProxy::hostAndPort).collect(Collectors.joining(",")) + query;
        Duration lease = Duration.ofSeconds(20);
        LockClient cutOff = client(viaProxies, lease);
        LockClient other = client(servers.redlockUri(query), lease);
        cutOff.lock("lost-replies").acquire(Duration.ofSeconds(5)).close(); // connections made, scripts loaded
        proxies.forEach(TcpProxy::freezeReplies);
        CompletableFuture<Lease> attempt = cutOff.lock("lost-replies").acquireAsync(Duration.ZERO);
        Poll.until("the acquire ran on every node", Duration.ofSeconds(5), () -> servers.all().stream()
                .allMatch(s -> s.command("EXISTS", "dlock:{lost-replies}").equals(":1")));
        proxies.forEach(TcpProxy::freeze); // from now on nothing gets through, the clean-up neither
        assertThatThrownBy(() -> attempt.get(5, TimeUnit.SECONDS)).hasMessageContaining("did not answer");
        Poll.throughout(Duration.ofMillis(300), () -> assertThat(servers.all())
                .as("keys of the lost grant")
                .allMatch(s -> s.command("EXISTS", "dlock:{lost-replies}").equals(":1")));
        proxies.forEach(proxy -> {
            proxy.dropConnections();
            proxy.thaw();
        });
        assertThat(other.lock("lost-replies").tryAcquire(Duration.ofSeconds(2)))
                .as("free within 2 s after the network is back, not after the %s lease", lease)
                .isPresent();
    }

    @Test
    void optionsThatContradictTheDefaultLeaseAreRefusedWhenTheClientIsBuilt() {
        String uri = "redlock://127.0.0.1:1,127.0.0.1:2,127.0.0.1:3";
        assertThatThrownBy(() -> LockClient.builder(uri + "?nodeTimeout=5s&restartDetection=false")
                        .defaultLease(Duration.ofSeconds(10))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeTimeout")
                .hasMessageContaining("10000 ms");
        assertThatThrownBy(() -> LockClient.builder(uri + "?restartQuarantine=5s")
                        .defaultLease(Duration.ofSeconds(10))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("restartQuarantine");
    }

    /** An acquisition held back by the restart quarantine says so once, naming the nodes and the wait. */
    @Test
    void anAcquisitionHeldBackByTheRestartQuarantineSaysWhyOnce() throws Exception {
        RedisServers servers = RedisServers.start(3);
        toClose.add(servers);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (LockClient client = LockClient.builder(servers.redlockUri("?restartQuarantine=4s"))
                .defaultLease(Duration.ofSeconds(4))
                .build()) {
            client.lock("quarantined").acquire(Duration.ofSeconds(20)).close();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines =
                log.lines().filter(line -> line.contains("restart quarantine")).toList();
        assertThat(lines).as("one line on stderr:%n%s", log).hasSize(1);
        assertThat(lines.get(0))
                .contains("WARN")
                .contains("'quarantined'")
                .contains(servers.get(0).uri())
                .contains(servers.get(1).uri())
                .contains(servers.get(2).uri())
                .containsPattern("counts in \\d s");
    }

    private static long scriptCalls(RedisServer server) {
        Matcher matcher = SCRIPT_CALLS.matcher(server.command("INFO", "commandstats"));
        long calls = 0;
        while (matcher.find()) {
            calls += Long.parseLong(matcher.group(1));
        }
        return calls;
    }
}
