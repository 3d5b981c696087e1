package io.dlock.zookeeper;

import io.dlock.spi.Acquisition;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.testkit.ForwardingLockBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A backend whose change notifications (watch events) a test can hold back and then deliver: for
 * making something happen between a watch firing and the engine's next attempt.
 */
final class GatedBackend extends ForwardingLockBackend {

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> held = new ArrayList<>();
    private boolean closed;

    /** Gates the notifications of {@code delegate}; closed from the start. */
    GatedBackend(LockBackend delegate) {
        super(delegate);
        closed = true;
    }

    /** Returns true when a notification is being held back. */
    boolean holdsANotification() {
        lock.lock();
        try {
            return !held.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Delivers the notifications held back, and lets later ones through. */
    void open() {
        List<Runnable> deliver;
        lock.lock();
        try {
            closed = false;
            deliver = new ArrayList<>(held);
            held.clear();
        } finally {
            lock.unlock();
        }
        deliver.forEach(Runnable::run);
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        return delegate.acquisition(request, () -> {
            lock.lock();
            try {
                if (closed) {
                    held.add(onChange);
                    return;
                }
            } finally {
                lock.unlock();
            }
            onChange.run();
        });
    }
}
