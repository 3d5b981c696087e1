package io.dlock.redis;

import io.dlock.spi.UriQuery;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Set<String> LETTUCE_PARAMETERS = Set.of("timeout", "database", "db", "clientName",
            "verifyPeer", "libraryName", "libraryVersion");
    private static final Set<String> OWN_PARAMETERS = Set.of("trustStore", "trustStorePassword");
    private static final Pattern TRUST_STORE_PASSWORD = Pattern.compile("(?i)trustStorePassword=([^&,]*)");

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
            throw new IllegalArgumentException("Redis URI must start with redis:// or rediss://: " + redact(text));
        }
        UriQuery query;
        try {
            query = UriQuery.of(text).allowOnly(union(LETTUCE_PARAMETERS, OWN_PARAMETERS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Redis URI " + redact(text) + ": " + scrub(e.getMessage(), text));
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(withoutOwnParameters(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed Redis URI " + redact(text) + ": " + scrub(e.getMessage(), text));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("Redis URI " + redact(text) + " names no host");
        }
        if (uri.getHost().chars().filter(c -> c == ':').count() == 1) {
            // Lettuce takes "host:port" with a port that is not a number for a host name.
            throw new IllegalArgumentException("Redis URI " + redact(text) + " has a port that is not a number");
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
        return Optional.of(SslOptions.builder().jdkSslProvider()
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

    /**
     * Replaces the secrets of a URI text (or of a list of node URIs) with {@code ***}, for
     * messages: each node's user info up to its last {@code '@'}, except the user name (a
     * password may hold any character, {@code '@'} and {@code '/'} too, and Lettuce reads
     * {@code redis://secret@host} as a password alone), and trust store passwords.
     */
    static String redact(String text) {
        StringBuilder redacted = new StringBuilder();
        int copied = 0;
        for (int[] secret : secretRuns(text)) {
            redacted.append(text, copied, secret[0]).append("***");
            copied = secret[1];
        }
        return redacted.append(text.substring(copied)).toString();
    }

    /** Replaces the secrets of {@code uri} wherever they appear in {@code message} (a parser's, say). */
    static String scrub(String message, String uri) {
        List<String> secrets = new ArrayList<>();
        for (int[] run : secretRuns(uri)) {
            secrets.add(uri.substring(run[0], run[1]));
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        String scrubbed = String.valueOf(message);
        for (String secret : secrets) {
            scrubbed = scrubbed.replace(secret, "***");
        }
        return scrubbed;
    }

    /** Where the secrets of a URI text are, as ordered, disjoint {start, end} index pairs. */
    private static List<int[]> secretRuns(String text) {
        boolean[] secret = new boolean[text.length()];
        int scheme = text.indexOf("://");
        while (scheme >= 0) {
            int start = scheme + 3;
            int next = text.indexOf("://", start);
            int end = next >= 0 ? Math.max(start, text.lastIndexOf(',', next)) : text.length();
            int at = end > start ? text.lastIndexOf('@', end - 1) : -1;
            if (at >= start) {
                int colon = text.indexOf(':', start);
                Arrays.fill(secret, colon >= 0 && colon < at ? colon + 1 : start, at, true);
            }
            scheme = next;
        }
        Matcher trustStorePassword = TRUST_STORE_PASSWORD.matcher(text);
        while (trustStorePassword.find()) {
            Arrays.fill(secret, trustStorePassword.start(1), trustStorePassword.end(1), true);
        }
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < secret.length; i++) {
            if (secret[i] && (i == 0 || !secret[i - 1])) {
                int runEnd = i;
                while (runEnd < secret.length && secret[runEnd]) {
                    runEnd++;
                }
                runs.add(new int[] {i, runEnd});
            }
        }
        return runs;
    }

    /** This endpoint with another per-command timeout. */
    RedisEndpoint withTimeout(Duration timeout) {
        RedisURI copy = RedisURI.builder(uri).withTimeout(timeout).build();
        return new RedisEndpoint(copy, display, sslOptions);
    }

    /** The URI to connect with: the same server, with at least {@link #CONNECT_TIMEOUT} for the handshake. */
    RedisURI connectUri() {
        return uri.getTimeout().compareTo(CONNECT_TIMEOUT) >= 0 ? uri
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
