package io.dlock.micrometer;

import io.dlock.LockClient;
import io.dlock.LockListener;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer meters for one dlock client: give it to the client as its {@link LockListener}, then
 * bind it to a registry with {@link #binder(LockClient)}.
 *
 * <pre>{@code
 * DlockMetrics metrics = DlockMetrics.create();
 * LockClient client = LockClient.builder(uri).listener(metrics).build();
 * metrics.binder(client).bindTo(registry);
 * }</pre>
 *
 * <p>Meters, each tagged {@code backend} ({@link LockClient#backendKind()}), and {@code lock} (the
 * lock name) only when made with {@link #withLockNameTags()}, since every name becomes its own
 * time series:
 * <ul>
 *   <li>{@code dlock.acquisitions} (timer): each acquisition's time waited, tag {@code outcome}:
 *       {@code acquired}, {@code timed_out}, {@code unavailable}, {@code cancelled},
 *       {@code failed}.
 *   <li>{@code dlock.leases.held} (gauge): leases held now.
 *   <li>{@code dlock.leases.released} (timer): how long each lease released by its holder was held.
 *   <li>{@code dlock.leases.lost} (counter): leases lost, tag {@code cause}: {@code renewal_refused},
 *       {@code renewals_failed}, {@code fixed_lease_ended}, {@code backend},
 *       {@code found_at_release}.
 *   <li>{@code dlock.renewals} (counter): the watchdog's renewals of one lease, tag
 *       {@code outcome}: {@code renewed}, {@code not_held}, {@code undecided}.
 * </ul>
 *
 * <p>Events before binding are not recorded (a client has no lock before {@code build()} returns:
 * bind before using it). One instance serves one client and one registry (bind a composite
 * registry to feed several). Clients bound to one registry with the same tags (two clients of one
 * backend kind) share its meters: the timers and counters record the events of all of them, and
 * {@code dlock.leases.held} is the sum of the leases they hold. The registry keeps no reference to
 * a client: a closed client's leases, released by its {@code close()}, leave the sum. Recording is
 * cheap and never blocks; thread-safe.
 */
public final class DlockMetrics implements LockListener {

    private final boolean tagLockNames;
    private final AtomicReference<Meters> meters = new AtomicReference<>();

    private DlockMetrics(boolean tagLockNames) {
        this.tagLockNames = tagLockNames;
    }

    /** Meters without lock names: a handful of time series whatever the number of locks. */
    public static DlockMetrics create() {
        return new DlockMetrics(false);
    }

    /** Meters tagged with each lock's name as {@code lock}: one set of series per name used. */
    public static DlockMetrics withLockNameTags() {
        return new DlockMetrics(true);
    }

    /**
     * The binder that registers this client's meters, tagged with its backend, in a registry;
     * recording starts once it is bound.
     *
     * @throws IllegalStateException from {@link MeterBinder#bindTo} if this instance is already bound
     */
    public MeterBinder binder(LockClient client) {
        Objects.requireNonNull(client, "client");
        return registry -> {
            Meters bound = new Meters(Objects.requireNonNull(registry, "registry"), client.backendKind(), tagLockNames);
            if (!meters.compareAndSet(null, bound)) {
                throw new IllegalStateException(
                        "these DlockMetrics are already bound to a registry; make one per client");
            }
        };
    }

    @Override
    public void acquisitionEnded(String lock, AcquisitionOutcome outcome, Duration waited) {
        Meters bound = meters.get();
        if (bound != null) {
            bound.acquisitionEnded(lock, outcome, waited);
        }
    }

    @Override
    public void leaseReleased(String lock, Duration held) {
        Meters bound = meters.get();
        if (bound != null) {
            bound.leaseReleased(lock, held);
        }
    }

    @Override
    public void leaseLost(String lock, LossCause cause, Duration held) {
        Meters bound = meters.get();
        if (bound != null) {
            bound.leaseLost(lock, cause);
        }
    }

    @Override
    public void leaseRenewed(String lock, RenewalOutcome outcome) {
        Meters bound = meters.get();
        if (bound != null) {
            bound.leaseRenewed(lock, outcome);
        }
    }
}
