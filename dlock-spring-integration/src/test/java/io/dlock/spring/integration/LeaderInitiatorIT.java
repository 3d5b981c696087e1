package io.dlock.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.servers.PausableScheduler;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/**
 * Spring Integration's {@link LockRegistryLeaderInitiator} on {@link DlockLockRegistry}, on a real
 * Redis: two initiators, one leader, and the other takes over when the leader's client closes or
 * its lease is lost.
 */
class LeaderInitiatorIT {

    /** Slack for "promptly" on a loaded two-core machine. */
    static final Duration MARGIN = Duration.ofSeconds(5);

    static final Duration LEASE = Duration.ofSeconds(1);

    static RedisServer server;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private String role;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void nameTheRole(TestInfo test) {
        role = "leader:" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ":" + System.nanoTime();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** A candidate that records whether it leads and how often it was granted and revoked. */
    static final class RecordingCandidate implements Candidate {
        final String id;
        final String role;
        final AtomicBoolean leading = new AtomicBoolean();
        final AtomicInteger granted = new AtomicInteger();
        final AtomicInteger revoked = new AtomicInteger();

        RecordingCandidate(String id, String role) {
            this.id = id;
            this.role = role;
        }

        @Override
        public String getRole() {
            return role;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public void onGranted(Context context) {
            leading.set(true);
            granted.incrementAndGet();
        }

        @Override
        public void onRevoked(Context context) {
            leading.set(false);
            revoked.incrementAndGet();
        }
    }

    /** One instance of the application: a client, its registry, an initiator and its candidate. */
    final class Instance {
        final LockClient client;
        final RecordingCandidate candidate;
        final LockRegistryLeaderInitiator initiator;

        Instance(String id, LockClient client) {
            this.client = client;
            this.candidate = new RecordingCandidate(id, role);
            this.initiator = new LockRegistryLeaderInitiator(new DlockLockRegistry(client), candidate);
            initiator.setHeartBeatMillis(200);
            initiator.setBusyWaitMillis(50);
            toClose.add(client);
            toClose.add(initiator::destroy);
            initiator.start();
        }

        boolean leads() {
            return candidate.leading.get() && initiator.getContext().isLeader();
        }
    }

    Instance instance(String id, Duration lease) {
        return new Instance(
                id, LockClient.builder(server.uri()).defaultLease(lease).build());
    }

    /** An instance whose client's timers a test can pause: it stops renewing, as a paused process would. */
    Instance freezable(String id, PausableScheduler timers) {
        toClose.add(timers);
        return new Instance(
                id,
                LockClient.builder(server.uri())
                        .defaultLease(LEASE)
                        .time(Ticker.system(), timers)
                        .build());
    }

    static void assertOneLeader(Instance a, Instance b) {
        assertThat(a.leads() && b.leads()).as("two leaders").isFalse();
        assertThat(a.leads() || b.leads()).as("no leader").isTrue();
    }

    /** With a lease longer than the wait, only the release at close lets the follower in. */
    @Test
    void twoInitiatorsElectOneLeaderAndTheOtherTakesOverWhenItsClientCloses() {
        Duration longLease = Duration.ofSeconds(60);
        Instance a = instance("a", longLease);
        Instance b = instance("b", longLease);
        Poll.until("one leader", MARGIN, () -> a.leads() || b.leads());
        Poll.throughout(Duration.ofSeconds(2), () -> assertOneLeader(a, b));

        Instance leader = a.leads() ? a : b;
        Instance follower = leader == a ? b : a;
        leader.client.close();
        Poll.until("the follower takes over", MARGIN, follower::leads);
        Poll.until("the old leader is told", MARGIN, () -> leader.candidate.revoked.get() == 1);
        leader.initiator.stop();
        assertThat(leader.leads()).isFalse();
        Poll.throughout(
                Duration.ofSeconds(1), () -> assertThat(follower.leads()).isTrue());
        assertThat(follower.candidate.granted).hasValue(1);
    }

    @Test
    void theOtherTakesOverWhenTheLeadersLeaseIsLost() {
        PausableScheduler frozenTimers = new PausableScheduler();
        Instance a = freezable("a", frozenTimers);
        Poll.until("a leads", MARGIN, a::leads);
        Instance b = instance("b", LEASE);
        Poll.throughout(Duration.ofSeconds(2), () -> assertOneLeader(a, b));
        assertThat(a.leads()).isTrue();

        frozenTimers.pause();
        Poll.until("b takes over once a's lease ran out", LEASE.plus(MARGIN), b::leads);
        Poll.until("a is told it no longer leads", MARGIN, () -> a.candidate.revoked.get() == 1);
        assertThat(a.leads()).isFalse();

        frozenTimers.resume();
        Poll.throughout(Duration.ofSeconds(2), () -> {
            assertThat(b.leads()).isTrue();
            assertThat(a.leads()).isFalse();
        });
        assertThat(b.candidate.granted).hasValue(1);
        assertThat(a.candidate.granted).hasValue(1);

        b.client.close();
        Poll.until("a, still competing, leads again", MARGIN, a::leads);
        assertThat(a.candidate.granted).hasValue(2);
    }
}
