package io.dlock.testkit;

import io.dlock.BackendUnavailableException;
import io.dlock.Health;
import io.dlock.LockState;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client's link to any backend that a test can break: {@link #cut()} makes it fail like an
 * unreachable server, {@link #holdReplies()} like a hung one, {@link #loseNextReply()} like a
 * connection that dies right after a request reached the server. Every operation of the backend
 * (attempts, watches, releases, renewals, inspections) goes through it. Pass it to
 * {@code LockClient.builder(link)}. Thread-safe.
 */
public final class FaultyLink extends ForwardingLockBackend implements Function<BackendContext, LockBackend> {

    private final ReentrantLock heldLock = new ReentrantLock();
    private final List<Runnable> held = new ArrayList<>();
    private volatile boolean cut;
    private volatile boolean holding;
    private volatile boolean loseNext;

    private FaultyLink(LockBackend backend) {
        super(backend);
    }

    /** A link to {@code backend}, intact until the test breaks it. */
    public static FaultyLink to(LockBackend backend) {
        return new FaultyLink(backend);
    }

    /** Makes every later operation fail with {@link BackendUnavailableException}, without reaching the server. */
    public void cut() {
        cut = true;
    }

    /** Undoes {@link #cut()}. */
    public void restore() {
        cut = false;
    }

    /** Keeps later operations from reaching the server, unanswered, until {@link #deliverReplies()}. */
    public void holdReplies() {
        holding = true;
    }

    /** Lets the held operations reach the server, in order, and answers them; stops holding. */
    public void deliverReplies() {
        List<Runnable> toRun;
        heldLock.lock();
        try {
            holding = false;
            toRun = List.copyOf(held);
            held.clear();
        } finally {
            heldLock.unlock();
        }
        toRun.forEach(Runnable::run);
    }

    /**
     * Lets the next operation reach the server and fail at the client as if its reply was
     * lost; the link is cut from then on, until {@link #restore()}.
     */
    public void loseNextReply() {
        loseNext = true;
    }

    /** Returns this link, so it can be passed to {@code LockClient.builder(...)}. */
    @Override
    public LockBackend apply(BackendContext context) {
        return this;
    }

    private <T> CompletionStage<T> call(Supplier<CompletionStage<T>> operation) {
        if (cut) {
            return CompletableFuture.failedFuture(
                    new BackendUnavailableException("unreachable: connection cut by the test"));
        }
        if (loseNext) {
            loseNext = false;
            cut = true;
            return operation.get().handle((reply, error) -> {
                throw new BackendUnavailableException("reply lost, connection cut by the test");
            });
        }
        heldLock.lock();
        try {
            if (holding) {
                CompletableFuture<T> reply = new CompletableFuture<>();
                held.add(() -> operation.get().whenComplete((value, error) -> {
                    if (error != null) {
                        reply.completeExceptionally(error);
                    } else {
                        reply.complete(value);
                    }
                }));
                return reply;
            }
        } finally {
            heldLock.unlock();
        }
        return operation.get();
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        Acquisition acquisition = delegate.acquisition(request, onChange);
        return new Acquisition() {
            @Override
            public CompletionStage<AttemptResult> attempt() {
                return call(acquisition::attempt);
            }

            @Override
            public CompletionStage<Boolean> watch() {
                return call(acquisition::watch);
            }

            @Override
            public CompletionStage<Boolean> release() {
                return call(acquisition::release);
            }
        };
    }

    @Override
    public CompletionStage<List<Renewal>> renew(List<LockRequest> leases) {
        return call(() -> super.renew(leases));
    }

    @Override
    public CompletionStage<LockState> inspect(String name) {
        return call(() -> delegate.inspect(name));
    }

    @Override
    public CompletionStage<Health> health() {
        return cut
                ? CompletableFuture.completedFuture(Health.down(kind(), "connection cut by the test"))
                : delegate.health();
    }
}
