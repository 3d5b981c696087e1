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
    /** A lease shorter than this many node timeouts could be eaten up by one slow round. */
    private static final int MIN_LEASE_PER_NODE_TIMEOUT = 3;

    private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MIN_QUARANTINE = Duration.ofSeconds(30);

    /**
     * Reads the options and checks them against each other and against the client's default
     * lease, so a contradiction fails when the client is built, not at its first lock.
     *
     * @throws IllegalArgumentException naming the options that contradict each other
     */
    static RedlockOptions from(UriQuery query, Duration defaultLease) {
        Duration nodeTimeout = query.duration("nodeTimeout", DEFAULT_NODE_TIMEOUT);
        if (nodeTimeout.compareTo(Duration.ofMillis(1)) < 0 || nodeTimeout.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException(
                    "nodeTimeout must be between 1ms and 10s, was " + nodeTimeout.toMillis() + "ms");
        }
        Duration quarantine = query.duration(
                "restartQuarantine", defaultLease.compareTo(MIN_QUARANTINE) > 0 ? defaultLease : MIN_QUARANTINE);
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("restartQuarantine must not be negative");
        }
        RedlockOptions options = new RedlockOptions(nodeTimeout, query.flag("restartDetection", true), quarantine);
        options.checkLease(defaultLease);
        return options;
    }

    /**
     * Checks that {@code lease} fits these options: at least three node timeouts, and, with
     * restart detection, at most the restart quarantine.
     *
     * @throws IllegalArgumentException naming the lease, the option it contradicts and the remedy
     */
    void checkLease(Duration lease) {
        checkKeep(lease);
        if (nodeTimeout.multipliedBy(MIN_LEASE_PER_NODE_TIMEOUT).compareTo(lease) > 0) {
            throw new IllegalArgumentException("lease of " + lease.toMillis() + " ms is too short for the"
                    + " Redlock node timeout of " + nodeTimeout.toMillis() + " ms: a round may take two"
                    + " node timeouts, and the lease must be at least " + MIN_LEASE_PER_NODE_TIMEOUT
                    + " times the node timeout. Lower the URI parameter nodeTimeout or use a longer lease");
        }
    }

    /**
     * Checks that a released grant may be kept for {@code keep}: with restart detection, at most
     * the restart quarantine, so that a node restarted empty counts again only after the keep
     * ended. No lower bound: nobody relies on the grant's validity any more.
     *
     * @throws IllegalArgumentException naming the time, the option it contradicts and the remedy
     */
    void checkKeep(Duration keep) {
        if (restartDetection && keep.compareTo(restartQuarantine) > 0) {
            throw new IllegalArgumentException("lease of " + keep.toMillis() + " ms is longer than the"
                    + " Redlock restart quarantine of " + restartQuarantine.toMillis()
                    + " ms; a restarted node could then grant the lock while the holder still needs it."
                    + " Raise the URI parameter restartQuarantine");
        }
    }

    /** The quarantine in whole seconds, rounded up: Redis reports uptime in seconds. */
    long quarantineSeconds() {
        return (restartQuarantine.toMillis() + 999) / 1_000;
    }
}
