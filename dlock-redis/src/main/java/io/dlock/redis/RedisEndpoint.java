package io.dlock.redis;

import io.dlock.spi.UriQuery;
import io.dlock.spi.UriSecrets;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One Redis server as configured: the Lettuce URI (with credentials, TLS and database), the
 * trust store for TLS, and a display form that never contains a password, for logs and error
 * messages.
 */
final class RedisEndpoint {

    /** Per-command timeout unless the URI sets {@code ?timeout=}: far below any sane lease. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Connecting (TCP, TLS and the HELLO/AUTH handshake) may take longer than one command, above
     * all on a loaded machine starting many clients: a short Redlock node timeout must not make
     * connections fail.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private static final Set<String> LETTUCE_PARAMETERS =
            Set.of("timeout", "database", "db", "clientName", "verifyPeer", "libraryName", "libraryVersion");
    private static final Set<String> OWN_PARAMETERS = Set.of("trustStore", "trustStorePassword");

    private final RedisURI uri;
    private final String display;
    private final Optional<SslOptions> sslOptions;

    private RedisEndpoint(RedisURI uri, String display, Optional<SslOptions> sslOptions) {
        this.uri = uri;
        this.display = display;
        this.sslOptions = sslOptions;
    }

    /**
     * Parses {@code redis://[user:password@]host:port[/db][?timeout=2s]} or {@code rediss://…}
     * (TLS, optionally {@code &trustStore=path.p12&trustStorePassword=…}; without a trust store
     * the JDK's default trust applies).
     *
     * @throws IllegalArgumentException naming what is wrong, without the password
     */
    static RedisEndpoint parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw new IllegalArgumentException(
                    "Redis URI must start with redis:// or rediss://: " + UriSecrets.redact(text));
        }
        UriQuery query;
        try {
            query = UriQuery.of(text).allowOnly(union(LETTUCE_PARAMETERS, OWN_PARAMETERS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Redis URI " + UriSecrets.redact(text) + ": " + UriSecrets.scrub(e.getMessage(), text));
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(withoutOwnParameters(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "malformed Redis URI " + UriSecrets.redact(text) + ": " + UriSecrets.scrub(e.getMessage(), text));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("Redis URI " + UriSecrets.redact(text) + " names no host");
        }
        if (uri.getHost().chars().filter(c -> c == ':').count() == 1) {
            // Lettuce takes "host:port" with a port that is not a number for a host name.
            throw new IllegalArgumentException(
                    "Redis URI " + UriSecrets.redact(text) + " has a port that is not a number");
        }
        if (query.text("timeout").isEmpty()) {
            uri.setTimeout(DEFAULT_TIMEOUT);
        }
        String display = (uri.isSsl() ? "rediss://" : "redis://")
                + userName(uri).map(user -> user + "@").orElse("")
                + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "");
        return new RedisEndpoint(uri, display, sslOptions(query, display));
    }

    /**
     * The ACL user, if any. Lettuce deprecated this getter for its reactive credentials
     * provider, which static URI credentials do not need.
     */
    @SuppressWarnings("deprecation")
    private static Optional<String> userName(RedisURI uri) {
        return Optional.ofNullable(uri.getUsername());
    }

    private static Optional<SslOptions> sslOptions(UriQuery query, String display) {
        Optional<String> trustStore = query.text("trustStore");
        if (trustStore.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(trustStore.get());
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("trust store " + path + " of " + display + " is not a readable file");
        }
        return Optional.of(SslOptions.builder()
                .jdkSslProvider()
                .truststore(path.toFile(), query.text("trustStorePassword").orElse(""))
                .build());
    }

    /** The URI text without dlock's own query parameters, for Lettuce. */
    private static String withoutOwnParameters(String text) {
        int question = text.indexOf('?');
        if (question < 0) {
            return text;
        }
        String kept = Arrays.stream(text.substring(question + 1).split("&"))
                .filter(pair -> !OWN_PARAMETERS.contains(pair.split("=", 2)[0]))
                .collect(Collectors.joining("&"));
        return text.substring(0, question) + (kept.isEmpty() ? "" : "?" + kept);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }

    /** This endpoint with another per-command timeout. */
    RedisEndpoint withTimeout(Duration timeout) {
        RedisURI copy = RedisURI.builder(uri).withTimeout(timeout).build();
        return new RedisEndpoint(copy, display, sslOptions);
    }

    /** The URI to connect with: the same server, with at least {@link #CONNECT_TIMEOUT} for the handshake. */
    RedisURI connectUri() {
        return uri.getTimeout().compareTo(CONNECT_TIMEOUT) >= 0
                ? uri
                : RedisURI.builder(uri).withTimeout(CONNECT_TIMEOUT).build();
    }

    /** The per-command timeout. */
    Duration timeout() {
        return uri.getTimeout();
    }

    /** The TLS settings when the URI names a trust store. */
    Optional<SslOptions> sslOptions() {
        return sslOptions;
    }

    @Override
    public String toString() {
        return display;
    }
}
