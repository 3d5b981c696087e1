package io.dlock;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners given to a client's builder as the one its engine tells: each is told of every event, in order. */
final class LockListeners implements LockListener {

    private static final Logger LOG = LoggerFactory.getLogger(LockListeners.class);

    private final List<LockListener> listeners;

    private LockListeners(List<LockListener> listeners) {
        this.listeners = listeners;
    }

    /** The listener telling all of {@code listeners}: none, the one, or a fan-out. */
    static LockListener of(List<LockListener> listeners) {
        if (listeners.isEmpty()) {
            return LockListener.NONE;
        }
        return listeners.size() == 1 ? listeners.get(0) : new LockListeners(List.copyOf(listeners));
    }

    @Override
    public void acquisitionEnded(String lock, AcquisitionOutcome outcome, Duration waited) {
        tellEach(listener -> listener.acquisitionEnded(lock, outcome, waited));
    }

    @Override
    public void leaseReleased(String lock, Duration held) {
        tellEach(listener -> listener.leaseReleased(lock, held));
    }

    @Override
    public void leaseLost(String lock, LossCause cause, Duration held) {
        tellEach(listener -> listener.leaseLost(lock, cause, held));
    }

    @Override
    public void leaseRenewed(String lock, RenewalOutcome outcome) {
        tellEach(listener -> listener.leaseRenewed(lock, outcome));
    }

    private void tellEach(Consumer<LockListener> event) {
        for (LockListener listener : listeners) {
            // One listener that throws must not keep the event from the others.
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("the LockListener {} failed; ignored", listener, e);
            }
        }
    }
}
