package io.dlock.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counts behind the {@code dlock.leases.held} gauges: one per registry and tag set, shared by
 * every client bound there with those tags, so that the gauge is their sum, as the timers and
 * counters of one name and tags already are. (Micrometer keeps the first gauge registered under an
 * id and ignores the object of any later one: a count per client reported only the first client.)
 *
 * <p>A count refers to no client, so it never keeps a closed one alive. A registry's counts live
 * as long as the registry (a weak key, compared by identity); each gauge is registered once, when
 * its tags are first used. Thread-safe.
 */
final class HeldLeaseCounts {

    private static final Map<MeterRegistry, Map<Tags, AtomicInteger>> COUNTS = new WeakHashMap<>();

    private HeldLeaseCounts() {}

    /** The count of leases held by clients bound to {@code registry} with {@code tags}, its gauge registered once. */
    static AtomicInteger of(MeterRegistry registry, Tags tags) {
        synchronized (COUNTS) {
            return COUNTS.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(tags, t -> {
                AtomicInteger count = new AtomicInteger();
                Gauge.builder("dlock.leases.held", count, AtomicInteger::get)
                        .description("Leases of dlock locks held now")
                        .baseUnit("leases")
                        .tags(t)
                        .strongReference(true)
                        .register(registry);
                return count;
            });
        }
    }
}
