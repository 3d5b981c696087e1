package io.dlock.shedlock;

import io.dlock.Lease;
import io.dlock.LockClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.LockException;

/**
 * A ShedLock {@link ExtensibleLockProvider} over a dlock {@link LockClient}, so that
 * {@code @SchedulerLock} tasks (and ShedLock's {@code LockingTaskExecutor}) lock through any dlock
 * backend, with fencing tokens.
 *
 * <p>ShedLock's semantics, exactly:
 * <ul>
 *   <li>{@code lock} makes one attempt and never waits: it returns empty when another holder has
 *       the lock. The lock is the dlock lock of the same name, so {@code client.lock(name)} and
 *       {@code dlock run --lock name} exclude the task too.
 *   <li>{@code lockAtMostFor} is the lease: a fixed lease, never renewed, that the server ends
 *       when it runs out, also if this process has died.
 *   <li>{@code unlock} before {@code lockAtLeastFor} has passed (counted from the {@code lock}
 *       call, on the monotonic clock) keeps the lock taken until it has; nobody gets it sooner.
 *       A remainder shorter than dlock's shortest lease (10 ms) releases at once.
 *   <li>{@link SimpleLock#extend(Duration, Duration) extend} sets the lease to end
 *       {@code lockAtMostFor} from now on the server and returns a new {@link SimpleLock}, whose
 *       {@code lockAtLeastFor} counts from the extension; it returns empty, and changes nothing,
 *       once the lock is no longer held. The old lock is then spent, as ShedLock requires.
 *   <li>Release and extension are owner-checked: an instance whose {@code lockAtMostFor} ran out
 *       cannot release, shorten or extend the lock of the instance that took it next. Its late
 *       {@code unlock} is logged as a warning (the task ran past {@code lockAtMostFor}, so part
 *       of it may have overlapped another run) and does not throw, as with ShedLock's own
 *       providers.
 * </ul>
 *
 * <p>The task's fencing token: see {@link CurrentLock}.
 *
 * <p>{@code lockAtMostFor} must be a valid dlock lease: 10 ms to 30 days, and on Redlock at
 * most the {@code restartQuarantine} (set it to the longest {@code lockAtMostFor} you use).
 * Thread-safe; one provider per client is enough.
 */
public final class DlockLockProvider implements ExtensibleLockProvider {

    private final LockClient client;

    /** A provider taking its locks from {@code client}, which the caller keeps open and closes. */
    public DlockLockProvider(LockClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Tries once to take the lock named by {@code configuration} for its {@code lockAtMostFor}.
     *
     * @return the held lock, or empty if another holder has it
     * @throws IllegalArgumentException if the name is not a valid dlock name (1 to 256
     *     characters, no control characters) or {@code lockAtMostFor} not a valid lease
     * @throws LockException if the backend could not be reached, or the thread was interrupted
     *     (its interrupt flag is kept)
     * @throws IllegalStateException if the client is closed
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        long lockedAt = System.nanoTime();
        String name = configuration.getName();
        Duration atMost = configuration.getLockAtMostFor();
        Optional<Lease> lease;
        try {
            lease = client.lock(name).tryAcquire(Duration.ZERO, atMost);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockException("interrupted while locking '" + name + "'", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "ShedLock lock '" + name + "' with lockAtMostFor " + atMost + ": " + e.getMessage(), e);
        } catch (io.dlock.LockException e) {
            throw new LockException("could not lock '" + name + "': " + e.getMessage(), e);
        }
        return lease.map(held -> new DlockSimpleLock(configuration, CurrentLock.enter(held), lockedAt));
    }

    @Override
    public String toString() {
        return "DlockLockProvider[" + client.backendKind() + ", client " + client.id() + "]";
    }
}
