package io.dlock.redis;

import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.servers.HolderProcess;
import io.dlock.servers.PausableScheduler;
import io.dlock.servers.RedisServer;
import io.dlock.servers.RedisServers;
import io.dlock.spi.BackendCapabilities;
import io.dlock.testkit.LockBackendContract;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redlock backend passes the contract on three masters.
 *
 * <p>Restart detection stays on, with a quarantine of {@value #QUARANTINE_SECONDS} s so that
 * freshly started servers count soon; clients use that as their default lease, the longest a
 * quarantine this short allows.
 */
class RedlockBackendIT extends LockBackendContract {

    static final int QUARANTINE_SECONDS = 4;
    static final String OPTIONS = "?restartQuarantine=" + QUARANTINE_SECONDS + "s";
    static RedisServers servers;

    @BeforeAll
    static void startServers() {
        servers = RedisServers.start(3);
        awaitQuarantineOver();
    }

    /** Waits until every server has been up for the quarantine, so its votes count. */
    static void awaitQuarantineOver() {
        Poll.until(
                "every server up for " + QUARANTINE_SECONDS + " s",
                Duration.ofSeconds(QUARANTINE_SECONDS + 10),
                () -> servers.all().stream().allMatch(s -> s.uptimeSeconds() > QUARANTINE_SECONDS));
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @AfterEach
    void restartStoppedServers() {
        servers.restartStopped();
    }

    @Override
    protected LockClient.Builder clientBuilder() {
        return LockClient.builder(servers.redlockUri(OPTIONS)).defaultLease(Duration.ofSeconds(QUARANTINE_SECONDS));
    }

    /**
     * Redlock promises to survive the loss of a minority: that minority restarts without its
     * data. Restart detection must then not count it, and tokens must still increase.
     */
    @Override
    protected void restartServers() {
        int minority = (servers.all().size() - 1) / 2;
        for (int i = 0; i < minority; i++) {
            servers.get(i).restartLosingData();
        }
    }

    @Override
    protected long crashHolderWhileHolding(String name, Duration lease) {
        return HolderProcess.crashWhileHolding(servers.redlockUri(OPTIONS), name, lease);
    }

    @Override
    protected FreezableHolder freezableHolder(Duration lease) {
        PausableScheduler timers = new PausableScheduler();
        LockClient client = clientBuilder()
                .defaultLease(lease)
                .time(Ticker.system(), timers)
                .build();
        return FreezableHolder.of(client, timers::pause, timers::resume, timers::close);
    }

    @Override
    protected BackendCapabilities capabilities() {
        return capabilitiesOf(Duration.ofSeconds(QUARANTINE_SECONDS), context -> new RedisBackendProvider()
                .open(servers.redlockUri(OPTIONS), context));
    }

    /** The lock's keys on every running node, each as {@code port:key}. */
    @Override
    protected List<String> leftovers(String name) {
        return servers.all().stream()
                .filter(RedisServer::isRunning)
                .flatMap(server -> LockKeys.on(server, name).stream().map(key -> server.port() + ":" + key))
                .toList();
    }
}
