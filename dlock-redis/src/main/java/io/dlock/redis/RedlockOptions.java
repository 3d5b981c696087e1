package io.dlock.redis;

import io.dlock.spi.UriQuery;
import java.time.Duration;
import java.util.Set;

/**
 * Settings of a Redlock backend, from the URI's query.
 *
 * @param nodeTimeout how long one node may take to answer one command; much smaller than the
 *     lease, so a dead or paused node costs little of a lease's validity ({@code nodeTimeout},
 *     default 100 ms)
 * @param restartDetection whether a node's vote is ignored for {@code restartQuarantine} after
 *     it (re)started, the Redlock page's "delayed restart" done by the client
 *     ({@code restartDetection}, default true)
 * @param restartQuarantine how long after a restart a node's votes do not count; must be at
 *     least the longest lease any client uses ({@code restartQuarantine}, default the larger of
 *     30 s and the client's default lease)
 */
record RedlockOptions(Duration nodeTimeout, boolean restartDetection, Duration restartQuarantine) {

    static final Set<String> PARAMETERS = Set.of("nodeTimeout", "restartDetection", "restartQuarantine");
    private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MIN_QUARANTINE = Duration.ofSeconds(30);

    static RedlockOptions from(UriQuery query, Duration defaultLease) {
        Duration nodeTimeout = query.duration("nodeTimeout", DEFAULT_NODE_TIMEOUT);
        if (nodeTimeout.compareTo(Duration.ofMillis(1)) < 0 || nodeTimeout.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("nodeTimeout must be between 1ms and 10s, was " + nodeTimeout.toMillis() + "ms");
        }
        Duration quarantine = query.duration("restartQuarantine",
                defaultLease.compareTo(MIN_QUARANTINE) > 0 ? defaultLease : MIN_QUARANTINE);
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("restartQuarantine must not be negative");
        }
        return new RedlockOptions(nodeTimeout, query.flag("restartDetection", true), quarantine);
    }

    /** The quarantine in whole seconds, rounded up: Redis reports uptime in seconds. */
    long quarantineSeconds() {
        return (restartQuarantine.toMillis() + 999) / 1_000;
    }
}
