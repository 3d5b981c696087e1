package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ZooKeeper holder whose client knows only a follower, and that follower cut off from the
 * leader and the other member (iptables drops the packets; nothing is refused), on a three-server
 * ensemble with ZooKeeper's sample timing (tick 2 s, syncLimit 5): the follower goes on answering
 * the holder for ten seconds, while the leader expires the holder's session after the session
 * timeout and grants the lock to a waiter on the other follower. The holder's lease must read
 * invalid, and the holder be told, before the waiter is granted: with a session timeout shorter
 * than the follower's ten seconds, and with the default ten seconds. Runs in the partition tier's
 * private network namespace ({@link FollowerPartitionTrial}); where that cannot run (not root, no
 * iptables) it is skipped, except under {@code DLOCK_REQUIRE_PARTITIONS=1}.
 */
class ZooKeeperFollowerPartitionIT {

    @ParameterizedTest(name = "sessionTimeout={0}s")
    @ValueSource(ints = {4, 10})
    void aHolderBehindACutOffFollowerIsToldBeforeTheLeaderGrantsItsLockToAnother(int seconds) throws Exception {
        Optional<String> unavailable = FollowerPartitionTrial.unavailable();
        TortureAssertions.skipOnlyWhereAllowed(unavailable.isPresent(), "partition tier: " + unavailable.orElse(""));

        FollowerPartitionTrial.Observation seen = FollowerPartitionTrial.run(Duration.ofSeconds(seconds));
        String summary = seen.summary();
        System.out.println(summary);

        assertThat(seen.droppedPackets())
                .as("packets the cut dropped: " + summary)
                .isPositive();
        assertThat(seen.holderWasTold()).as("holder told: " + summary).isTrue();
        assertThat(seen.holderValidAtGrant())
                .as("holder's lease valid at the waiter's grant: " + summary)
                .isFalse();
        assertThat(seen.holderLastValid())
                .as("holder's last valid reading before the waiter's grant: " + summary)
                .isLessThan(seen.waiterGranted());
        assertThat(seen.holderTold())
                .as("holder told before the waiter's grant: " + summary)
                .isLessThan(seen.waiterGranted());
        assertThat(seen.bothValid()).as("both leases valid: " + summary).isZero();
    }
}
