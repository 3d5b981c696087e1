package io.dlock.micrometer;

import io.dlock.LockListener.AcquisitionOutcome;
import io.dlock.LockListener.LossCause;
import io.dlock.LockListener.RenewalOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of one client in one registry; the registry finds a meter again by its name and tags. */
final class Meters {

    private static final String ALL_LOCKS = "";

    private final MeterRegistry registry;
    private final Tags backend;
    private final boolean tagLockNames;
    /** Leases held, by lock name (or one entry for all): the counts shared with other clients bound with the same tags. */
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

    Meters(MeterRegistry registry, String backend, boolean tagLockNames) {
        this.registry = registry;
        this.backend = Tags.of("backend", backend);
        this.tagLockNames = tagLockNames;
        if (!tagLockNames) {
            heldOf(ALL_LOCKS);
        }
    }

    void acquisitionEnded(String lock, AcquisitionOutcome outcome, Duration waited) {
        Timer.builder("dlock.acquisitions")
                .description("Acquisitions of dlock locks, by outcome, timing the wait")
                .tags(tags(lock))
                .tag("outcome", value(outcome))
                .register(registry)
                .record(waited);
        if (outcome == AcquisitionOutcome.ACQUIRED) {
            heldOf(lock).incrementAndGet();
        }
    }

    void leaseReleased(String lock, Duration heldFor) {
        heldOf(lock).decrementAndGet();
        Timer.builder("dlock.leases.released")
                .description("Leases released by their holder, timing how long each was held")
                .tags(tags(lock))
                .register(registry)
                .record(heldFor);
    }

    void leaseLost(String lock, LossCause cause) {
        heldOf(lock).decrementAndGet();
        Counter.builder("dlock.leases.lost")
                .description("Leases lost before their holder released them, by cause")
                .baseUnit("leases")
                .tags(tags(lock))
                .tag("cause", value(cause))
                .register(registry)
                .increment();
    }

    void leaseRenewed(String lock, RenewalOutcome outcome) {
        Counter.builder("dlock.renewals")
                .description("Renewals of one lease by the client's watchdog, by outcome")
                .baseUnit("renewals")
                .tags(tags(lock))
                .tag("outcome", value(outcome))
                .register(registry)
                .increment();
    }

    private AtomicInteger heldOf(String lock) {
        return held.computeIfAbsent(tagLockNames ? lock : ALL_LOCKS, key -> HeldLeaseCounts.of(registry, tags(key)));
    }

    private Tags tags(String lock) {
        return tagLockNames ? backend.and("lock", lock) : backend;
    }

    private static String value(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
