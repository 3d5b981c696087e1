package io.dlock.spring.integration;

import io.dlock.Lease;
import io.dlock.LeaseLostException;
import io.dlock.LockClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * A Spring Integration {@link RenewableLockRegistry} over a dlock {@link LockClient}: the locks it
 * hands out are dlock locks of the same names, shared with every process on the same backend.
 *
 * <p>{@link #obtain} returns a {@link DistributedLock} (a {@link java.util.concurrent.locks.Lock})
 * owned by the calling thread and reentrant per thread within the client, as dlock's
 * {@code Lock} view is:
 * <ul>
 *   <li>{@code lock()}, {@code tryLock(...)}: a lease renewed by the client's watchdog (every third
 *       of the client's default lease) until {@code unlock()}; a crashed process's lock comes free
 *       when its lease runs out.
 *   <li>{@code lock(ttl)}, {@code tryLock(wait, ttl)}: a fixed lease of {@code ttl}, never renewed
 *       on its own; {@link #renewLock} extends it.
 *   <li>A thread whose lease was lost while it held the lock (renewals refused or failing, a fixed
 *       lease run out) is told, not left to believe it still holds it: entering again
 *       ({@code lock}, {@code tryLock}) and {@code unlock()} throw {@link LeaseLostException}; the
 *       last {@code unlock()} still lets go of the hold, so the thread can lock anew.
 *       {@code LockRegistryLeaderInitiator} then revokes leadership and competes again.
 * </ul>
 *
 * <p>The fencing token of the calling thread's lock: {@link #currentLease}. Lock keys must be
 * strings that are valid dlock names (1 to 256 characters, no control characters). No renewal
 * {@code TaskScheduler} is needed (one given is ignored): the client's watchdog renews. Stop the
 * components that use the registry (a leader initiator) before closing the client. Thread-safe.
 */
public final class DlockLockRegistry implements RenewableLockRegistry<DistributedLock> {

    private final LockClient client;
    /** The ttl of each fixed lease taken through this registry and still held, for {@link #renewLock(Object)}. */
    private final Map<Lease, Duration> fixedLeases = new ConcurrentHashMap<>();

    /** A registry taking its locks from {@code client}, which the caller keeps open and closes. */
    public DlockLockRegistry(LockClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Returns the lock named {@code lockKey}; no I/O. Every call for the same key gives a lock with
     * the same per-thread holds.
     *
     * @throws IllegalArgumentException if the key is not a string, or not a valid dlock name
     * @throws IllegalStateException if the client is closed
     */
    @Override
    public DistributedLock obtain(Object lockKey) {
        return new RegistryLock(client.lock(name(lockKey)), this);
    }

    /**
     * The lease, with its fencing token, by which the calling thread holds the lock named
     * {@code lockKey}; empty if it does not hold it.
     *
     * @throws IllegalArgumentException if the key is not a string, or not a valid dlock name
     */
    public Optional<Lease> currentLease(Object lockKey) {
        return client.lock(name(lockKey)).currentLease();
    }

    /**
     * Renews the calling thread's lease of {@code lockKey}: a fixed lease ({@code lock(ttl)}) ends
     * its ttl from now; a lease the watchdog renews is only checked to be still held.
     *
     * @throws IllegalStateException if the calling thread does not hold the lock
     * @throws LeaseLostException if the lease had been lost; the thread no longer holds the lock
     * @throws io.dlock.BackendUnavailableException if the server could not be reached to decide
     */
    @Override
    public void renewLock(Object lockKey) {
        Lease lease = heldByCallingThread(lockKey);
        Duration ttl = fixedLeases.get(lease);
        if (ttl != null) {
            extend(lease, ttl);
        } else if (!lease.isValid()) {
            throw lost(lease);
        }
    }

    /**
     * Sets the calling thread's fixed lease of {@code lockKey} ({@code lock(ttl)}) to end
     * {@code ttl} from now, longer or shorter than it had left.
     *
     * @throws IllegalStateException if the calling thread does not hold the lock, or holds it with
     *     a lease the watchdog renews (take it with {@code lock(ttl)} to choose its length)
     * @throws LeaseLostException if the lease had been lost; the thread no longer holds the lock
     * @throws IllegalArgumentException if {@code ttl} is not a valid lease (10 ms to 30 days)
     * @throws io.dlock.BackendUnavailableException if the server could not be reached to decide
     */
    @Override
    public void renewLock(Object lockKey, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        Lease lease = heldByCallingThread(lockKey);
        if (!fixedLeases.containsKey(lease)) {
            throw new IllegalStateException("lock '" + lease.name() + "' is renewed by the client's watchdog; take it"
                    + " with lock(ttl) or tryLock(wait, ttl) to renew it with a ttl of your own");
        }
        extend(lease, ttl);
    }

    @Override
    public String toString() {
        return "DlockLockRegistry[" + client.backendKind() + ", client " + client.id() + "]";
    }

    /** Remembers that the calling thread took {@code lease} fixed to {@code ttl}. */
    void tookFixed(Lease lease, Duration ttl) {
        fixedLeases.put(lease, ttl);
    }

    /** Forgets a lease that has been released or let go of. */
    void forget(Lease lease) {
        fixedLeases.remove(lease);
    }

    private Lease heldByCallingThread(Object lockKey) {
        String name = name(lockKey);
        return client.lock(name)
                .currentLease()
                .orElseThrow(() -> new IllegalStateException("lock '" + name + "' is not held by thread "
                        + Thread.currentThread().getName()));
    }

    private static void extend(Lease lease, Duration ttl) {
        if (!lease.extend(ttl)) {
            throw lost(lease);
        }
    }

    private static LeaseLostException lost(Lease lease) {
        return new LeaseLostException("lock '" + lease.name() + "' cannot be renewed: its lease (fencing token "
                + lease.fencingToken() + ") has ended; unlock it and lock anew");
    }

    private static String name(Object lockKey) {
        Objects.requireNonNull(lockKey, "lockKey");
        if (!(lockKey instanceof String name)) {
            throw new IllegalArgumentException("lock keys must be strings (dlock lock names), got a "
                    + lockKey.getClass().getName() + ": " + lockKey);
        }
        return name;
    }
}
