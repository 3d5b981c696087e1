package io.dlock.shedlock;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.LockClient;
import io.dlock.servers.RedisServers;
import io.dlock.testkit.Poll;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ShedLock's provider checks on Redlock over three Redis masters, with restart detection on and
 * a restart quarantine of the longest lockAtMostFor the tests use (a lease may not exceed it).
 */
class RedlockLockProviderIT extends LockProviderContract {

    static final long QUARANTINE_SECONDS = LONGEST_LEASE.toSeconds();
    static RedisServers servers;

    @BeforeAll
    static void startServers() {
        servers = RedisServers.start(3);
        Poll.until(
                "every server up for the quarantine, so its votes count",
                Duration.ofSeconds(QUARANTINE_SECONDS + 20),
                () -> servers.all().stream().allMatch(s -> s.uptimeSeconds() > QUARANTINE_SECONDS));
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(servers.redlockUri("?restartQuarantine=" + QUARANTINE_SECONDS + "s"))
                .defaultLease(LONGEST_LEASE);
    }

    /** Redlock's leases are at least three node timeouts (100 ms by default). */
    @Override
    protected Duration shortLease() {
        return Duration.ofMillis(300);
    }

    @Test
    void aLockAtMostForBeyondTheRestartQuarantineIsRefusedNamingIt() {
        assertThatThrownBy(() -> newInstance().lock(config(LONGEST_LEASE.plusSeconds(1), Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockAtMostFor")
                .hasMessageContaining("restartQuarantine");
        assertFree();
    }
}
