package io.dlock;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a client knows of its lock service right now, for health checks: whether it can grant
 * locks, and details for people (usable nodes of a quorum, the session's state). From
 * {@link LockClient#health()}.
 *
 * @param up true when the service can grant locks now: the server answers, a quorum's majority
 *     is reachable, the session is connected
 * @param backend the backend's kind, as {@link LockClient#backendKind()} gives it
 * @param details what was found, by name, in order; never credentials
 */
public record Health(boolean up, String backend, Map<String, String> details) {

    /** Copies the details and checks that nothing is null. */
    public Health {
        Objects.requireNonNull(backend, "backend");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The service cannot grant locks, and why. */
    public static Health down(String backend, String why) {
        return new Health(false, backend, Map.of("error", why));
    }
}
