package io.dlock.redis;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Locale;

/**
 * One Redis server as configured: the Lettuce URI (with credentials, TLS and database) and a
 * display form that never contains a password, for logs and error messages.
 */
final class RedisEndpoint {

    /** Per-command timeout unless the URI sets {@code ?timeout=}: far below any sane lease. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final RedisURI uri;
    private final String display;

    private RedisEndpoint(RedisURI uri, String display) {
        this.uri = uri;
        this.display = display;
    }

    /**
     * Parses {@code redis://[user:password@]host:port[/db][?timeout=2s]} or {@code rediss://…}.
     *
     * @throws IllegalArgumentException naming what is wrong, without the password
     */
    static RedisEndpoint parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw new IllegalArgumentException("Redis URI must start with redis:// or rediss://: " + redact(text));
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed Redis URI " + redact(text) + ": " + e.getMessage());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("Redis URI " + redact(text) + " names no host");
        }
        if (!lower.contains("timeout=")) {
            uri.setTimeout(DEFAULT_TIMEOUT);
        }
        String display = (uri.isSsl() ? "rediss://" : "redis://")
                + (uri.getUsername() != null ? uri.getUsername() + "@" : "")
                + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "");
        return new RedisEndpoint(uri, display);
    }

    /** Replaces the password part of a URI text with {@code ***}, for messages. */
    static String redact(String text) {
        return text.replaceAll("://([^:@/]*):[^@/]*@", "://$1:***@");
    }

    /** This endpoint with another per-command timeout. */
    RedisEndpoint withTimeout(Duration timeout) {
        RedisURI copy = RedisURI.builder(uri).withTimeout(timeout).build();
        return new RedisEndpoint(copy, display);
    }

    RedisURI uri() {
        return uri;
    }

    Duration timeout() {
        return uri.getTimeout();
    }

    @Override
    public String toString() {
        return display;
    }
}
