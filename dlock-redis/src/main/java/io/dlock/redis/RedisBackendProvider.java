package io.dlock.redis;

import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockBackendProvider;
import io.dlock.spi.UriSecrets;
import java.util.Locale;
import java.util.Set;

/**
 * Opens the Redis backends for {@code LockClient.connect(uri)}: {@code redis://} and
 * {@code rediss://} for one node; {@code redlock://h1:p1,h2:p2,…} or a comma-separated list of
 * node URIs for Redlock. Found by {@link java.util.ServiceLoader}; not called directly.
 */
public final class RedisBackendProvider implements LockBackendProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public RedisBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redlock");
    }

    @Override
    public LockBackend open(String uri, BackendContext context) {
        String scheme = uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT);
        if (!schemes().contains(scheme)) {
            throw new IllegalArgumentException("not a Redis URI: " + UriSecrets.redact(uri));
        }
        if (RedlockUri.isRedlock(uri)) {
            RedlockUri redlock = RedlockUri.parse(uri, context.defaultLease());
            return RedlockBackend.connect(redlock.endpoints(), redlock.options(), context);
        }
        return RedisBackend.connect(RedisEndpoint.parse(uri), context.scheduler());
    }
}
