package io.dlock.shedlock;

import io.dlock.LeaseLostException;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.LockException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One held ShedLock lock: a fixed dlock lease and the configuration it was taken (or last
 * extended) with. {@link AbstractSimpleLock} makes it single-use: after unlock or extend, both
 * throw {@link IllegalStateException}.
 */
final class DlockSimpleLock extends AbstractSimpleLock {

    private static final Logger log = LoggerFactory.getLogger(DlockSimpleLock.class);

    private final CurrentLock.Held held;
    /** When this configuration's lockAtLeastFor started counting, on the monotonic clock. */
    private final long startedAt;

    DlockSimpleLock(LockConfiguration configuration, CurrentLock.Held held, long startedAt) {
        super(configuration);
        this.held = held;
        this.startedAt = startedAt;
    }

    @Override
    protected void doUnlock() {
        Duration keep = lockConfiguration.getLockAtLeastFor().minusNanos(System.nanoTime() - startedAt);
        try {
            held.lease().releaseAfter(keep); // no run starts before lockAtLeastFor; at once when it passed
        } catch (LeaseLostException e) {
            // ShedLock's contract: the lock ends at lockAtMostFor whatever the task does, and unlock
            // after that is not an error. The lease's owner check left any later holder alone.
            log.warn(
                    "ShedLock lock '{}' (fencing token {}) was released after its lockAtMostFor of {} had run"
                            + " out: the task ran unprotected at its end and may have overlapped another run; writes"
                            + " fenced with its token are safe",
                    lockConfiguration.getName(),
                    held.lease().fencingToken(),
                    lockConfiguration.getLockAtMostFor());
        } catch (io.dlock.LockException e) {
            throw new LockException(
                    "could not unlock '" + lockConfiguration.getName() + "': " + e.getMessage()
                            + "; it ends with its lease",
                    e);
        } finally {
            held.leave();
        }
    }

    @Override
    protected Optional<SimpleLock> doExtend(LockConfiguration extended) {
        long extendedAt = System.nanoTime();
        boolean stillHeld;
        try {
            stillHeld = held.lease().extend(extended.getLockAtMostFor());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "ShedLock lock '" + extended.getName() + "' cannot be extended by " + extended.getLockAtMostFor()
                            + ": " + e.getMessage(),
                    e);
        } catch (io.dlock.LockException e) {
            throw new LockException("could not extend '" + extended.getName() + "': " + e.getMessage(), e);
        }
        if (!stillHeld) {
            held.leave();
            return Optional.empty();
        }
        return Optional.of(new DlockSimpleLock(extended, held, extendedAt));
    }

    @Override
    public String toString() {
        return "DlockSimpleLock[" + lockConfiguration.getName() + ", token "
                + held.lease().fencingToken() + "]";
    }
}
