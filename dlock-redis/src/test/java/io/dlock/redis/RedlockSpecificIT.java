package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.DistributedLock;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.servers.RedisServers;
import io.dlock.testkit.ExclusionCheck;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redlock under node failures: killed, paused, unreachable at start, restarted without data.
 * Each test starts its own servers, since it breaks them.
 */
class RedlockSpecificIT {

    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final int QUARANTINE_SECONDS = 3;
    private static final String SHORT_QUARANTINE = "?restartQuarantine=" + QUARANTINE_SECONDS + "s";

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

    private LockClient client(String uri) {
        LockClient client = LockClient.builder(uri)
                .defaultLease(Duration.ofSeconds(QUARANTINE_SECONDS))
                .build();
        toClose.add(client);
        return client;
    }

    @Test
    void locksKeepWorkingWithOneOfThreeNodesKilled() throws Exception {
        RedisServers servers = servers(3);
        servers.get(2).kill();
        assertMutualExclusion(servers.redlockUri(SHORT_QUARANTINE));
    }

    @Test
    void locksKeepWorkingWithTwoOfFiveNodesKilled() throws Exception {
        RedisServers servers = servers(5);
        LockClient before = client(servers.redlockUri(SHORT_QUARANTINE));
        servers.get(0).kill();
        servers.get(3).kill();
        try (Lease lease = before.lock("two-of-five").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.isValid()).isTrue();
        }
        assertMutualExclusion(servers.redlockUri(SHORT_QUARANTINE));
    }

    @Test
    void creationIsRefusedWithoutAMajorityAndNamesTheNodes() {
        RedisServers servers = servers(3);
        String down1 = servers.get(1).uri();
        String down2 = servers.get(2).uri();
        servers.get(1).kill();
        servers.get(2).kill();
        assertThatThrownBy(() -> client(servers.redlockUri(SHORT_QUARANTINE)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("majority")
                .hasMessageContaining("2 of 3")
                .hasMessageContaining("reachable: " + servers.get(0).uri())
                .hasMessageContaining(down1 + " unreachable: Connection refused")
                .hasMessageContaining(down2 + " unreachable: Connection refused");
    }

    @Test
    void withoutAMajorityAcquireFailsCleanlyAndRecoversWhenNodesReturn() throws Exception {
        RedisServers servers = servers(3);
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE));
        servers.get(1).kill();
        servers.get(2).kill();
        assertThatThrownBy(() -> client.lock("no-majority").acquire(Duration.ofMillis(500)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("unreachable");
        assertThat(servers.get(0).command("HEXISTS", "dlock:{no-majority}", "owner"))
                .as("nothing left on the surviving node")
                .isEqualTo(":0");
        servers.get(1).restart();
        servers.get(2).restart();
        Lease lease = client.lock("no-majority")
                .acquire(Duration.ofSeconds(QUARANTINE_SECONDS).plus(MARGIN));
        assertThat(lease.isValid()).isTrue();
        lease.close();
    }

    @Test
    void aPausedNodeDoesNotBlockAcquisition() throws Exception {
        RedisServers servers = servers(3);
        // A node timeout longer than a healthy round: asking the paused node first and waiting
        // for it, rather than asking every node at once, would show in the time taken.
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE + "&nodeTimeout=1s"));
        client.lock("paused-node").acquire(Duration.ofSeconds(5)).close(); // connections and scripts ready
        servers.get(0).pause();
        try {
            long start = System.nanoTime();
            Lease lease = client.lock("paused-node").acquire(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("acquired without waiting for the paused node")
                    .isLessThan(Duration.ofMillis(900));
            assertThat(lease.isValid()).isTrue();
            lease.close();
        } finally {
            servers.get(0).resume();
        }
    }

    @Test
    void whenAPausedNodeIsNeededAcquisitionFailsWithinTheNodeTimeoutAndLeavesNothingBehind() throws Exception {
        RedisServers servers = servers(3);
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE + "&nodeTimeout=200ms"));
        client.lock("needed").acquire(Duration.ofSeconds(5)).close();
        servers.get(2).kill();
        servers.get(0).pause();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.lock("needed").acquire(Duration.ZERO))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("200 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        } finally {
            servers.get(0).resume();
        }
        // Resumed, the node runs the acquire it had queued, then the releases sent after it.
        Poll.until("no key of the failed acquisition on the resumed node", MARGIN, () -> servers.get(0)
                .command("EXISTS", "dlock:{needed}")
                .equals(":0"));
        Poll.throughout(Duration.ofMillis(500), () -> assertThat(servers.get(0).command("EXISTS", "dlock:{needed}"))
                .isEqualTo(":0"));
    }

    @Test
    void aNodeDownAtCreationIsUsedOnceItIsBack() throws Exception {
        RedisServers servers = servers(3);
        servers.get(2).kill();
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE));
        servers.get(2).restart();
        Poll.until(
                "the returned node up for the quarantine",
                Duration.ofSeconds(QUARANTINE_SECONDS + 10),
                () -> servers.get(2).uptimeSeconds() > QUARANTINE_SECONDS);
        servers.get(0).kill();
        try (Lease lease = client.lock("returned").acquire(Duration.ofSeconds(10))) {
            assertThat(lease.isValid()).isTrue();
            assertThat(servers.get(2).command("HGET", "dlock:{returned}", "owner"))
                    .as("the returned node is part of the majority")
                    .isEqualTo(lease.owner());
        }
    }

    @Test
    void theFencingTokenIsSettledOnTheMajorityWhenNodesAnswerDifferentTokens() throws Exception {
        RedisServers servers = servers(3);
        servers.get(2).kill(); // the majority must be nodes 0 and 1
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE));
        // Node 0's counter far ahead of every client's clock; node 1 answers the client's floor.
        long ahead = (System.currentTimeMillis() + Duration.ofDays(365).toMillis()) * 1_000;
        servers.get(0).command("SET", "dlock:{settled}:token", Long.toString(ahead));
        long first;
        try (Lease lease = client.lock("settled").acquire(Duration.ofSeconds(5))) {
            first = lease.fencingToken();
        }
        assertThat(first).isEqualTo(ahead + 1);
        assertThat(servers.get(1).command("GET", "dlock:{settled}:token"))
                .as("the highest token was written back to the rest of the majority")
                .isEqualTo(Long.toString(first));
        servers.get(0).command("FLUSHALL"); // node 0 forgets everything
        try (Lease lease = client.lock("settled").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.fencingToken())
                    .as("node 1 remembers the settled token")
                    .isGreaterThan(first);
        }
    }

    @Test
    void aFailedAcquisitionLeavesNoKeyOnAnyNode() throws Exception {
        RedisServers servers = servers(3);
        LockClient holder = client(servers.redlockUri(SHORT_QUARANTINE));
        LockClient loser = client(servers.redlockUri(SHORT_QUARANTINE));
        try (Lease held = holder.lock("contested").acquire(Duration.ofSeconds(5))) {
            // A round decides on the first majority; the third node's grant lands a moment later.
            Poll.until("the holder's key on every node", MARGIN, () -> servers.all().stream()
                    .allMatch(server ->
                            server.command("HGET", "dlock:{contested}", "owner").equals(held.owner())));
            // The holder's key on node 0 disappears behind the client's back: the loser can now
            // win node 0, but not a majority, and must give node 0 back.
            servers.get(0).command("HDEL", "dlock:{contested}", "owner");
            assertThat(loser.lock("contested").tryAcquire(Duration.ofMillis(300)))
                    .isEmpty();
            for (RedisServer server : servers.all()) {
                String owner = server.command("HGET", "dlock:{contested}", "owner");
                assertThat(owner).as("owner on %s", server).isIn("(nil)", held.owner());
            }
        }
    }

    @Test
    void aNodeRestartedEmptyIsNotCountedWhileItCouldStillOweTheHolder() throws Exception {
        RedisServers servers = servers(3);
        Scenario scenario = restartedNodeScenario(
                servers, servers.redlockUri(SHORT_QUARANTINE), Duration.ofSeconds(QUARANTINE_SECONDS));
        assertThat(scenario.second)
                .as("second client must not get the lock the first still holds")
                .isEmpty();
    }

    @Test
    void withRestartDetectionOffTheRestartedNodeLetsASecondHolderIn() throws Exception {
        RedisServers servers = servers(3);
        Scenario scenario =
                restartedNodeScenario(servers, servers.redlockUri("?restartDetection=false"), Duration.ofSeconds(20));
        assertThat(scenario.second)
                .as("the overlap the Redlock page warns about")
                .isPresent();
        assertThat(scenario.first.isValid())
                .as("both believe they hold the lock")
                .isTrue();
        assertThat(scenario.second.get().fencingToken())
                .as("tokens still increase, so fencing rejects the first holder's writes")
                .isGreaterThan(scenario.first.fencingToken());
    }

    /**
     * Node 3 is down while the first client acquires on nodes 1 and 2 (a bare majority); then
     * node 2 restarts empty and node 3 comes back; a second, freshly started client tries at
     * once. Killed, not paused: a paused node would still run the first client's request.
     */
    private Scenario restartedNodeScenario(RedisServers servers, String uri, Duration lease) throws Exception {
        servers.get(2).kill();
        LockClient first = LockClient.builder(uri).defaultLease(lease).build();
        toClose.add(first);
        Lease held = first.lock("restarted").acquire(Duration.ofSeconds(5));
        servers.get(1).restartLosingData();
        servers.get(2).restart();
        LockClient second = LockClient.builder(uri).defaultLease(lease).build();
        toClose.add(second);
        Optional<Lease> got = second.lock("restarted").tryAcquire(Duration.ZERO);
        return new Scenario(held, got);
    }

    private record Scenario(Lease first, Optional<Lease> second) {}

    @Test
    void tokensKeepIncreasingWhenAMinorityLosesItsData() throws Exception {
        RedisServers servers = servers(5);
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE));
        long previous = 0;
        for (int round = 0; round < 4; round++) {
            try (Lease lease = client.lock("tokens")
                    .acquire(Duration.ofSeconds(QUARANTINE_SECONDS).plus(MARGIN))) {
                assertThat(lease.fencingToken()).isGreaterThan(previous);
                previous = lease.fencingToken();
            }
            servers.get(round % 5).restartLosingData();
            servers.get((round + 2) % 5).restartLosingData();
        }
    }

    @Test
    void badRedlockUrisAreRefusedWithTheReason() {
        assertThatThrownBy(() -> LockClient.connect("redlock://127.0.0.1:1,127.0.0.1:2?nodeTimeOut=5ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeTimeOut")
                .hasMessageContaining("nodeTimeout");
        assertThatThrownBy(() -> LockClient.connect("redlock://127.0.0.1:1,127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> LockClient.connect("redlock://127.0.0.1:1,,127.0.0.1:2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> LockClient.connect("redlock://u:secret@127.0.0.1:1?nodeTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeTimeout")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    @Test
    void aLeaseLongerThanTheRestartQuarantineOrShorterThanThreeNodeTimeoutsIsRefused() {
        RedisServers servers = servers(3);
        LockClient client = client(servers.redlockUri(SHORT_QUARANTINE));
        DistributedLock lock = client.lock("long-lease");
        assertThatThrownBy(() -> lock.acquire(Duration.ZERO, Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("restartQuarantine");
        assertThatThrownBy(() -> lock.acquire(Duration.ZERO, Duration.ofMillis(200)))
                .as("shorter than three node timeouts of 100 ms")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeTimeout");
        assertThat(client.inspect("long-lease").isHeld())
                .as("nothing taken by refused leases")
                .isFalse();
    }

    @Test
    void aListOfNodeUrisWithCredentialsWorks() throws Exception {
        try (RedisServer a = RedisServer.start("--requirepass", "pw-a");
                RedisServer b = RedisServer.start("--requirepass", "pw-b");
                RedisServer c = RedisServer.start("--requirepass", "pw-c")) {
            String uri = "redis://:pw-a@" + a.hostAndPort() + ",redis://:pw-b@" + b.hostAndPort() + ",redis://:pw-c@"
                    + c.hostAndPort() + "?restartDetection=false";
            try (LockClient client = LockClient.connect(uri);
                    Lease lease = client.lock("listed").acquire(Duration.ofSeconds(5))) {
                assertThat(lease.isValid()).isTrue();
            }
            try (LockClient degraded = LockClient.connect(uri.replace("pw-b", "nope"))) {
                assertThat(degraded.lock("listed").tryAcquire(Duration.ofSeconds(2)))
                        .as("2 of 3 nodes")
                        .isPresent();
            }
            assertThatThrownBy(
                            () -> LockClient.connect(uri.replace("pw-b", "nope").replace("pw-c", "nope")))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining(b.hostAndPort())
                    .hasMessageContaining(c.hostAndPort())
                    .satisfies(e ->
                            assertThat(e.getMessage()).doesNotContain("nope").doesNotContain("pw-"));
        }
    }

    /** Two clients, four threads each, 300 increments of an unsynchronized counter: no overlap, none lost. */
    private void assertMutualExclusion(String uri) throws Exception {
        ExclusionCheck.Outcome outcome = ExclusionCheck.run(List.of(client(uri), client(uri)), "exclusion", 4, 300, 2);
        assertThat(outcome.overlaps()).isZero();
        assertThat(outcome.tokenRegressions()).isZero();
        assertThat(outcome.increments()).isEqualTo(300);
    }
}
