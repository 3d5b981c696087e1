package io.dlock.zookeeper;

import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The leases a test's clients still hold, as their backends saw them: granted, and not released
 * or lost since. Their tokens are their nodes' creation zxids, so a test can tell a lock node that
 * a lease stands for from an orphan.
 */
final class HeldLeases {

    private final Map<String, Long> tokensByOwner = new ConcurrentHashMap<>();

    /** Returns true when a held lease has token {@code token}. */
    boolean holds(long token) {
        return tokensByOwner.containsValue(token);
    }

    /** Opens a backend with {@code opener}, so that its grants and their ends are tracked here. */
    LockBackend track(BackendContext context, Function<BackendContext, LockBackend> opener) {
        return new ObservedBackend(
                opener.apply(context),
                (request, granted) -> {
                    tokensByOwner.put(request.owner(), granted.fencingToken());
                    granted.lost().thenRun(() -> tokensByOwner.remove(request.owner()));
                },
                request -> tokensByOwner.remove(request.owner()));
    }
}
