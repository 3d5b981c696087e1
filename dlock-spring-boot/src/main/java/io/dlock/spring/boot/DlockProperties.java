package io.dlock.spring.boot;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dlock.*} properties: the lock service to connect to and the client's options, as
 * {@link io.dlock.LockClient.Builder} takes them. An option left unset keeps the client's own
 * default. Backend options (Redis timeouts, Redlock's node timeout, ZooKeeper's session timeout)
 * go in the URI's query.
 */
@ConfigurationProperties("dlock")
public class DlockProperties {

    /**
     * Whether to auto-configure a dlock LockClient and what builds on it.
     */
    private boolean enabled = true;

    /**
     * The lock service, such as redis://localhost:6379, redlock://h1:6379,h2:6379,h3:6379 or
     * zk://h1:2181,h2:2181,h3:2181/locks, with backend options in its query. Required unless the
     * application defines its own LockClient bean.
     */
    private @Nullable String uri;

    /**
     * The lease of renewed locks: how long a lock outlives its holder's crash. The watchdog renews
     * it every third of the lease. Unset: the client's default, 30 seconds.
     */
    private @Nullable Duration defaultLease;

    /**
     * The longest a waiter sleeps between attempts when no release notification arrives (1ms to
     * 10m). Unset: the client's default, 2 seconds.
     */
    private @Nullable Duration maxRetryDelay;

    /** The clock-drift allowance subtracted from every lease's validity. */
    private final ClockDrift clockDrift = new ClockDrift();

    /** Micrometer meters, when a MeterRegistry is there. */
    private final Metrics metrics = new Metrics();

    /** Whether the auto-configuration is on (default true). */
    public boolean isEnabled() {
        return enabled;
    }

    /** Turns the auto-configuration on or off. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The lock service's URI; null when unset. */
    public @Nullable String getUri() {
        return uri;
    }

    /** Sets the lock service's URI. */
    public void setUri(@Nullable String uri) {
        this.uri = uri;
    }

    /** The lease of renewed locks; null keeps the client's default. */
    public @Nullable Duration getDefaultLease() {
        return defaultLease;
    }

    /** Sets the lease of renewed locks. */
    public void setDefaultLease(@Nullable Duration defaultLease) {
        this.defaultLease = defaultLease;
    }

    /** The longest sleep between a waiter's attempts; null keeps the client's default. */
    public @Nullable Duration getMaxRetryDelay() {
        return maxRetryDelay;
    }

    /** Sets the longest sleep between a waiter's attempts. */
    public void setMaxRetryDelay(@Nullable Duration maxRetryDelay) {
        this.maxRetryDelay = maxRetryDelay;
    }

    /** The clock-drift allowance. */
    public ClockDrift getClockDrift() {
        return clockDrift;
    }

    /** The meters' options. */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * The clock-drift allowance, {@code lease * factor + minimum}, subtracted from every lease's
     * validity. Set both parts or neither: the client takes them together.
     */
    public static class ClockDrift {

        /**
         * The part of each lease allowed for clock drift, such as 0.01. Set together with
         * minimum. Unset: the client's default, 0.01.
         */
        private @Nullable Double factor;

        /**
         * The least allowance, added to the factor's part. Set together with factor. Unset: the
         * client's default, 2 milliseconds.
         */
        private @Nullable Duration minimum;

        /** The part of each lease allowed for drift; null when unset. */
        public @Nullable Double getFactor() {
            return factor;
        }

        /** Sets the part of each lease allowed for drift. */
        public void setFactor(@Nullable Double factor) {
            this.factor = factor;
        }

        /** The least allowance; null when unset. */
        public @Nullable Duration getMinimum() {
            return minimum;
        }

        /** Sets the least allowance. */
        public void setMinimum(@Nullable Duration minimum) {
            this.minimum = minimum;
        }
    }

    /** Options of the Micrometer meters. */
    public static class Metrics {

        /**
         * Whether every meter also gets a 'lock' tag with the lock's name: one set of time series
         * per name, so only for a bounded set of names.
         */
        private boolean lockNameTags;

        /** Whether meters are tagged with lock names (default false). */
        public boolean isLockNameTags() {
            return lockNameTags;
        }

        /** Tags meters with lock names, or not. */
        public void setLockNameTags(boolean lockNameTags) {
            this.lockNameTags = lockNameTags;
        }
    }
}
