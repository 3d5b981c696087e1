package io.dlock.shedlock;

import io.dlock.Lease;
import java.util.Deque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The fencing token of the ShedLock lock the current thread runs its task under, for the task to
 * pass to the storage it writes:
 *
 * <pre>{@code
 * @Scheduled(cron = "0 * * * * *")
 * @SchedulerLock(name = "report", lockAtMostFor = "10m")
 * void report() {
 *     store.write(report(), CurrentLock.fencingToken());
 * }
 * }</pre>
 *
 * <p>A lock belongs to the thread that called {@link DlockLockProvider#lock}, from then until it
 * is unlocked (from any thread), or an extension finds it no longer held. ShedLock's executor
 * (behind {@code @SchedulerLock}, {@code LockingTaskExecutor} and {@code LockableRunnable}) takes
 * the lock on the thread that runs the task, so the task reads its token on that thread; work it
 * hands to other threads must be given the token. Tokens of nested locks are kept in order: the
 * innermost is the current one, and {@link #fencingToken(String)} finds an outer one by name. An
 * extension keeps the token. A lock that is never unlocked stays current on its thread until
 * its lease has ended and the thread takes another lock. Thread-safe.
 */
public final class CurrentLock {

    private static final ThreadLocal<Deque<Held>> HELD = new ThreadLocal<>();

    private CurrentLock() {}

    /**
     * The fencing token of the innermost lock the current thread holds through a
     * {@link DlockLockProvider}.
     *
     * @throws IllegalStateException if the current thread holds none
     */
    public static long fencingToken() {
        Deque<Held> held = HELD.get();
        Held innermost = held == null ? null : held.peekLast();
        if (innermost == null) {
            throw new IllegalStateException("thread " + Thread.currentThread().getName()
                    + " holds no ShedLock lock from a DlockLockProvider; read the token in the locked task");
        }
        return innermost.lease.fencingToken();
    }

    /**
     * The fencing token of the lock named {@code lockName} that the current thread holds through a
     * {@link DlockLockProvider} (the innermost, if it holds that name more than once).
     *
     * @throws IllegalStateException if the current thread holds no lock of that name
     */
    public static long fencingToken(String lockName) {
        Objects.requireNonNull(lockName, "lockName");
        Deque<Held> held = HELD.get();
        if (held != null) {
            for (Iterator<Held> inner = held.descendingIterator(); inner.hasNext(); ) {
                Held next = inner.next();
                if (next.lease.name().equals(lockName)) {
                    return next.lease.fencingToken();
                }
            }
        }
        throw new IllegalStateException("thread " + Thread.currentThread().getName() + " holds no ShedLock lock '"
                + lockName + "' from a DlockLockProvider");
    }

    /** Records that the current thread now holds {@code lease}. */
    static Held enter(Lease lease) {
        Deque<Held> held = HELD.get();
        if (held == null) {
            held = new ConcurrentLinkedDeque<>();
            HELD.set(held);
        }
        // A lock never unlocked (its lease ended) must not stay current here for good.
        held.removeIf(entry -> !entry.lease.isValid());
        Held entry = new Held(lease, held, Thread.currentThread());
        held.addLast(entry);
        return entry;
    }

    /** One lease held by a thread, in that thread's list, until it is left. */
    static final class Held {
        private final Lease lease;
        private final Deque<Held> in;
        private final Thread holder;

        private Held(Lease lease, Deque<Held> in, Thread holder) {
            this.lease = lease;
            this.in = in;
            this.holder = holder;
        }

        Lease lease() {
            return lease;
        }

        /** Forgets this lease, from whichever thread unlocks it; idempotent. */
        void leave() {
            in.remove(this);
            // Only the holding thread adds to its list, so once it sees the list empty it can drop it.
            if (Thread.currentThread() == holder && in.isEmpty() && HELD.get() == in) {
                HELD.remove();
            }
        }
    }
}
