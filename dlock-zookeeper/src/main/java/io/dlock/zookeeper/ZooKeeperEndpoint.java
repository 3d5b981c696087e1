package io.dlock.zookeeper;

import io.dlock.spi.UriQuery;
import io.dlock.spi.UriSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ZooKeeper lock service as configured by its URI, with a display form that never contains a
 * password.
 *
 * <p>{@code zk://[user:password@]host1:2181,host2:2181[/root][?param=value&…]}, or {@code zks://…}
 * for TLS. See the package documentation for the parameters.
 *
 * @param connectString the servers, {@code host:port} joined by commas
 * @param root the absolute path under which every lock lives ({@code /dlock} unless the URI names one)
 * @param credentials the digest user and password, when the URI has them
 * @param sessionTimeout the session timeout asked of the servers (they may lower it)
 * @param connectionTimeout how long to wait for a connection at start and for any one operation
 *     while disconnected
 * @param mode fair queue or simple ephemeral node
 * @param suspendPolicy what a suspended connection does to held locks
 * @param tls the TLS settings, when the secure client port is used
 */
record ZooKeeperEndpoint(
        String connectString,
        String root,
        Optional<Credentials> credentials,
        Duration sessionTimeout,
        Duration connectionTimeout,
        LockMode mode,
        SuspendPolicy suspendPolicy,
        Optional<TlsSettings> tls) {

    static final String DEFAULT_ROOT = "/dlock";
    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    static final Set<String> PARAMETERS = Set.of(
            "sessionTimeout",
            "connectionTimeout",
            "mode",
            "onSuspend",
            "tls",
            "trustStore",
            "trustStorePassword",
            "keyStore",
            "keyStorePassword");
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:(\\d{1,5}))?");

    /** A digest user and password; {@link #toString()} hides the password. */
    record Credentials(String user, String password) {
        /** The {@code user:password} bytes ZooKeeper's digest scheme expects. */
        byte[] digest() {
            return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return user + ":***";
        }
    }

    /**
     * Key and trust stores for TLS; empty values fall back to ZooKeeper's {@code zookeeper.ssl.*}
     * system properties. {@link #toString()} hides the passwords.
     */
    record TlsSettings(
            Optional<String> trustStore,
            Optional<String> trustStorePassword,
            Optional<String> keyStore,
            Optional<String> keyStorePassword) {
        @Override
        public String toString() {
            return "TlsSettings[trustStore=" + trustStore.orElse("(system)") + ", keyStore="
                    + keyStore.orElse("(system)") + "]";
        }
    }

    /**
     * Parses a {@code zk://} or {@code zks://} URI.
     *
     * @throws IllegalArgumentException naming the part at fault, never repeating the password
     */
    static ZooKeeperEndpoint parse(String uri) {
        try {
            return parseChecked(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(UriSecrets.scrub(e.getMessage(), uri), e.getCause());
        }
    }

    private static ZooKeeperEndpoint parseChecked(String uri) {
        String redacted = redact(uri);
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("zk") && !scheme.equals("zks")) {
            throw new IllegalArgumentException("ZooKeeper URI must start with zk:// or zks://: " + redacted);
        }
        String rest = uri.substring(schemeEnd + 3);
        int authorityEnd = authorityEnd(rest);
        if (rest.indexOf('@', authorityEnd) >= 0) {
            throw new IllegalArgumentException("'@' after the server list in ZooKeeper URI " + redacted
                    + ": percent-encode '/', '?' and '@' in a password (%2F, %3F, %40), and '@' elsewhere");
        }
        String authority = rest.substring(0, authorityEnd);
        Optional<Credentials> credentials = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            credentials = Optional.of(parseCredentials(authority.substring(0, at), redacted));
        }
        String hosts = authority.substring(at + 1);
        String path = UriQuery.withoutQuery(rest.substring(authorityEnd));
        String root = path.isEmpty() ? DEFAULT_ROOT : normalizeRoot(path, redacted);
        String connectString = parseHosts(hosts, redacted);
        try {
            UriQuery query = UriQuery.of(rest.substring(authorityEnd)).allowOnly(PARAMETERS);
            Duration session = query.duration("sessionTimeout", DEFAULT_SESSION_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
            Duration connection =
                    query.duration("connectionTimeout", DEFAULT_CONNECTION_TIMEOUT, MIN_TIMEOUT, MAX_TIMEOUT);
            LockMode mode = query.choice("mode", LockMode.class, LockMode.FAIR);
            SuspendPolicy suspend = query.choice("onSuspend", SuspendPolicy.class, SuspendPolicy.LOSE);
            boolean tls = scheme.equals("zks") || query.flag("tls", false);
            TlsSettings stores = new TlsSettings(
                    query.text("trustStore"),
                    query.text("trustStorePassword"),
                    query.text("keyStore"),
                    query.text("keyStorePassword"));
            if (!tls && (stores.trustStore().isPresent() || stores.keyStore().isPresent())) {
                throw new IllegalArgumentException("trustStore and keyStore need TLS (zks:// or tls=true)");
            }
            return new ZooKeeperEndpoint(
                    connectString,
                    root,
                    credentials,
                    session,
                    connection,
                    mode,
                    suspend,
                    tls ? Optional.of(stores) : Optional.empty());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ZooKeeper URI " + redacted + ": " + e.getMessage());
        }
    }

    /** Replaces passwords in a URI text with {@code ***}, for messages, as every backend does ({@link UriSecrets}). */
    static String redact(String text) {
        return UriSecrets.redact(text);
    }

    /** The Curator namespace for {@link #root()}: the root without its leading slash. */
    String namespace() {
        return root.substring(1);
    }

    @Override
    public String toString() {
        return (tls.isPresent() ? "zks://" : "zk://")
                + credentials.map(c -> c.user() + "@").orElse("")
                + connectString
                + root;
    }

    private static Credentials parseCredentials(String userInfo, String redacted) {
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(
                    "ZooKeeper URI credentials must be user:password@ (digest): " + redacted);
        }
        String user = UriQuery.decode(userInfo.substring(0, colon), "the user name of ZooKeeper URI " + redacted);
        String password = UriQuery.decode(userInfo.substring(colon + 1), "the password of ZooKeeper URI " + redacted);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("empty password for user " + user + " in ZooKeeper URI " + redacted);
        }
        return new Credentials(user, password);
    }

    private static String parseHosts(String hosts, String redacted) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("ZooKeeper URI names no server: " + redacted);
        }
        List<String> servers = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            Matcher m = HOST_PORT.matcher(host);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "malformed server '" + host + "' in ZooKeeper URI " + redacted + ": write host:port");
            }
            int port = m.group(3) == null ? 2181 : Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " out of range in ZooKeeper URI " + redacted);
            }
            servers.add(m.group(1) + ":" + port);
        }
        return String.join(",", servers);
    }

    private static String normalizeRoot(String path, String redacted) {
        String root = path.replaceAll("/+$", "");
        if (root.isEmpty()) {
            return DEFAULT_ROOT;
        }
        for (String segment : root.substring(1).split("/", -1)) {
            if (segment.isEmpty()
                    || segment.equals(".")
                    || segment.equals("..")
                    || segment.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("malformed root path '" + root + "' in ZooKeeper URI " + redacted);
            }
        }
        if (root.equals("/zookeeper") || root.startsWith("/zookeeper/")) {
            throw new IllegalArgumentException("root path " + root + " is reserved by ZooKeeper: " + redacted);
        }
        return root;
    }

    /** Where the servers end in the text after {@code "://"}: at the first {@code '/'} or {@code '?'}. */
    private static int authorityEnd(String rest) {
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '/' || rest.charAt(i) == '?') {
                return i;
            }
        }
        return rest.length();
    }
}
