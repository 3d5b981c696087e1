package io.dlock.torture;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One torture run's settings: which backend, which faults, how the workers behave, and the seed
 * that fixes the fault schedule and the workers' random choices.
 *
 * @param backend the lock service
 * @param faults the faults the nemesis draws from; {@code {NONE}} for a quiet run
 * @param mode correct workers or a negative control
 * @param seed fixes the fault schedule and the workers' choices of lock and hold time
 * @param duration how long the workers run
 * @param workers how many worker JVMs
 * @param threadsPerWorker how many looping threads in each worker JVM
 * @param locks how many lock names the workers share
 * @param lease the lease (Redis) or session timeout (ZooKeeper)
 * @param holdMin the shortest time a holder keeps the lock between its read and its write
 * @param holdMax the longest such time
 */
public record Scenario(
        BackendKind backend,
        Set<Fault> faults,
        WorkerMode mode,
        long seed,
        Duration duration,
        int workers,
        int threadsPerWorker,
        int locks,
        Duration lease,
        Duration holdMin,
        Duration holdMax)
        implements Serializable {

    /** Checks the values. */
    public Scenario {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(mode, "mode");
        faults = Set.copyOf(faults);
        for (Fault fault : faults) {
            if (!fault.appliesTo(backend)) {
                throw new IllegalArgumentException(fault + " cannot be injected into " + backend);
            }
        }
        if (faults.isEmpty() || workers < 1 || threadsPerWorker < 1 || locks < 1) {
            throw new IllegalArgumentException("a scenario needs faults (NONE for none), workers, threads and locks");
        }
        if (holdMax.compareTo(holdMin) < 0 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("bad durations: hold " + holdMin + ".." + holdMax + ", run " + duration);
        }
    }

    /**
     * A run of correct workers on {@code backend} under {@code faults}: three worker JVMs of two
     * threads on two locks, 1 s leases (2 s ZooKeeper sessions), holds of 5 to 60 ms.
     */
    public static Scenario of(BackendKind backend, Set<Fault> faults, long seed, Duration duration) {
        Duration lease = backend == BackendKind.ZOOKEEPER ? Duration.ofSeconds(2) : Duration.ofSeconds(1);
        return new Scenario(
                backend,
                faults,
                WorkerMode.CORRECT,
                seed,
                duration,
                3,
                2,
                2,
                lease,
                Duration.ofMillis(5),
                Duration.ofMillis(60));
    }

    /**
     * The run of a negative control, set up so that its flaw shows: the backend it needs, the
     * faults that expose it, and hold times that give the fault a chance.
     */
    public static Scenario control(WorkerMode mode, long seed, Duration duration) {
        Scenario base = of(
                mode == WorkerMode.REDLOCK_WITHOUT_RESTART_DETECTION ? BackendKind.REDLOCK : BackendKind.REDIS,
                Set.of(Fault.NONE),
                seed,
                duration);
        return switch (mode) {
            case CORRECT -> throw new IllegalArgumentException("CORRECT is not a control");
            // Only a holder paused past its lease writes while another holds the lock.
            case NO_FENCING ->
                base.withFaults(EnumSet.of(Fault.CLIENT_PAUSE))
                        .withMode(mode)
                        .withHold(Duration.ofMillis(50), Duration.ofMillis(300));
            // Nothing but the replayed release is needed; no fault.
            case RELEASE_WITHOUT_OWNER_CHECK ->
                base.withMode(mode).withHold(Duration.ofMillis(20), Duration.ofMillis(120));
            // Holds up to twice the lease outlive an unrenewed lease.
            case NEVER_RENEWED ->
                base.withMode(mode)
                        .withLease(Duration.ofMillis(300))
                        .withHold(Duration.ofMillis(50), Duration.ofMillis(600));
            // Holders must still hold, and not yet have renewed, when the restarted node and the
            // returning one vote together: long holds, and a 3 s lease renewed every second.
            case REDLOCK_WITHOUT_RESTART_DETECTION ->
                base.withFaults(EnumSet.of(Fault.ROLLING_RESTART))
                        .withMode(mode)
                        .withLease(Duration.ofSeconds(3))
                        .withHold(Duration.ofMillis(300), Duration.ofMillis(900));
        };
    }

    /** This scenario with another seed. */
    public Scenario withSeed(long newSeed) {
        return new Scenario(
                backend, faults, mode, newSeed, duration, workers, threadsPerWorker, locks, lease, holdMin, holdMax);
    }

    /** This scenario with other faults. */
    public Scenario withFaults(Set<Fault> newFaults) {
        return new Scenario(
                backend, newFaults, mode, seed, duration, workers, threadsPerWorker, locks, lease, holdMin, holdMax);
    }

    /** This scenario with another worker mode. */
    public Scenario withMode(WorkerMode newMode) {
        return new Scenario(
                backend, faults, newMode, seed, duration, workers, threadsPerWorker, locks, lease, holdMin, holdMax);
    }

    /** This scenario with another lease or session timeout. */
    public Scenario withLease(Duration newLease) {
        return new Scenario(
                backend, faults, mode, seed, duration, workers, threadsPerWorker, locks, newLease, holdMin, holdMax);
    }

    /** This scenario with other hold times. */
    public Scenario withHold(Duration min, Duration max) {
        return new Scenario(backend, faults, mode, seed, duration, workers, threadsPerWorker, locks, lease, min, max);
    }

    /** True when the backend claims mutual exclusion under every fault of this run. */
    public boolean claimsMutualExclusion() {
        return backend.toleratedFaults().containsAll(faults);
    }

    /** The faults as a short label, e.g. {@code SERVER_CRASH+SERVER_PAUSE}; {@code NONE} only when alone. */
    public String faultLabel() {
        return faults.size() == 1
                ? faults.iterator().next().name()
                : faults.stream()
                        .filter(f -> f != Fault.NONE)
                        .sorted()
                        .map(Fault::name)
                        .collect(Collectors.joining("+"));
    }
}
