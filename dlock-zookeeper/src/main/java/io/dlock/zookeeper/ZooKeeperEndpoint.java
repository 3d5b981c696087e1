package io.dlock.zookeeper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
record ZooKeeperEndpoint(String connectString, String root, Optional<Credentials> credentials,
        Duration sessionTimeout, Duration connectionTimeout, LockMode mode, SuspendPolicy suspendPolicy,
        Optional<TlsSettings> tls) {

    static final String DEFAULT_ROOT = "/dlock";
    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
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
    record TlsSettings(Optional<String> trustStore, Optional<String> trustStorePassword,
            Optional<String> keyStore, Optional<String> keyStorePassword) {
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
        String pathAndQuery = rest.substring(authorityEnd);
        Map<String, String> params = new LinkedHashMap<>();
        int query = pathAndQuery.indexOf('?');
        if (query >= 0) {
            params = parseQuery(pathAndQuery.substring(query + 1), redacted);
            pathAndQuery = pathAndQuery.substring(0, query);
        }
        String root = pathAndQuery.isEmpty() ? DEFAULT_ROOT : normalizeRoot(pathAndQuery, redacted);
        String connectString = parseHosts(hosts, redacted);

        Duration session = duration(params.remove("sessionTimeout"), DEFAULT_SESSION_TIMEOUT, "sessionTimeout", redacted);
        Duration connection = duration(params.remove("connectionTimeout"), DEFAULT_CONNECTION_TIMEOUT,
                "connectionTimeout", redacted);
        LockMode mode = choice(params.remove("mode"), LockMode.FAIR, LockMode.class, "mode", redacted);
        SuspendPolicy suspend = choice(params.remove("onSuspend"), SuspendPolicy.LOSE, SuspendPolicy.class,
                "onSuspend", redacted);
        boolean tls = scheme.equals("zks") || bool(params.remove("tls"), "tls", redacted);
        Optional<TlsSettings> tlsSettings = Optional.empty();
        TlsSettings stores = new TlsSettings(Optional.ofNullable(params.remove("trustStore")),
                Optional.ofNullable(params.remove("trustStorePassword")),
                Optional.ofNullable(params.remove("keyStore")),
                Optional.ofNullable(params.remove("keyStorePassword")));
        if (tls) {
            tlsSettings = Optional.of(stores);
        } else if (stores.trustStore().isPresent() || stores.keyStore().isPresent()) {
            throw new IllegalArgumentException("trustStore and keyStore need TLS (zks:// or tls=true): " + redacted);
        }
        if (!params.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + String.join(", ", params.keySet())
                    + " in ZooKeeper URI " + redacted + "; known: sessionTimeout, connectionTimeout, mode,"
                    + " onSuspend, tls, trustStore, trustStorePassword, keyStore, keyStorePassword");
        }
        return new ZooKeeperEndpoint(connectString, root, credentials, session, connection, mode, suspend, tlsSettings);
    }

    /**
     * Replaces passwords in a URI text with {@code ***}, for messages: everything from the first
     * {@code ':'} after {@code "://"} to the last {@code '@'} (so a password holding a raw
     * {@code '@'}, {@code '/'} or {@code '?'} is hidden whole; at worst more is hidden than the
     * password), and the values of {@code trustStorePassword} and {@code keyStorePassword}.
     */
    static String redact(String text) {
        String masked = text;
        int start = text.indexOf("://");
        if (start >= 0) {
            int colon = text.indexOf(':', start + 3);
            int at = text.lastIndexOf('@');
            if (colon >= 0 && colon < at) {
                masked = text.substring(0, colon + 1) + "***" + text.substring(at);
            }
        }
        return masked.replaceAll("(?i)(StorePassword=)[^&]*", "$1***");
    }

    /** The Curator namespace for {@link #root()}: the root without its leading slash. */
    String namespace() {
        return root.substring(1);
    }

    @Override
    public String toString() {
        return (tls.isPresent() ? "zks://" : "zk://") + credentials.map(c -> c.user() + "@").orElse("")
                + connectString + root;
    }

    private static Map<String, String> parseQuery(String query, String redacted) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("parameter without value in ZooKeeper URI " + redacted
                        + ": write name=value");
            }
            String name = pair.substring(0, eq);
            if (params.put(name, decode(pair.substring(eq + 1), "the value of parameter " + name, redacted)) != null) {
                throw new IllegalArgumentException("parameter " + name + " given twice in ZooKeeper URI " + redacted);
            }
        }
        return params;
    }

    private static Credentials parseCredentials(String userInfo, String redacted) {
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("ZooKeeper URI credentials must be user:password@ (digest): " + redacted);
        }
        String user = decode(userInfo.substring(0, colon), "the user name", redacted);
        String password = decode(userInfo.substring(colon + 1), "the password", redacted);
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
        for (String host : hosts.split(",")) {
            Matcher m = HOST_PORT.matcher(host);
            if (!m.matches()) {
                throw new IllegalArgumentException("malformed server '" + host + "' in ZooKeeper URI " + redacted
                        + ": write host:port");
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
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || segment.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("malformed root path '" + root + "' in ZooKeeper URI " + redacted);
            }
        }
        if (root.equals("/zookeeper") || root.startsWith("/zookeeper/")) {
            throw new IllegalArgumentException("root path " + root + " is reserved by ZooKeeper: " + redacted);
        }
        return root;
    }

    private static Duration duration(String text, Duration fallback, String name, String redacted) {
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + "=" + text + " in ZooKeeper URI " + redacted
                    + " is not a duration such as 500ms, 10s or 2m");
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (value.compareTo(Duration.ofMillis(100)) < 0 || value.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(name + " must be between 100ms and 10m, was " + text);
        }
        return value;
    }

    private static <E extends Enum<E>> E choice(String text, E fallback, Class<E> type, String name, String redacted) {
        if (text == null) {
            return fallback;
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(text)) {
                return value;
            }
        }
        List<String> known = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            known.add(value.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(name + "=" + text + " in ZooKeeper URI " + redacted + " must be one of "
                + String.join(", ", known));
    }

    private static boolean bool(String text, String name, String redacted) {
        if (text == null || text.equalsIgnoreCase("false")) {
            return false;
        }
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(name + "=" + text + " in ZooKeeper URI " + redacted + " must be true or false");
    }

    /**
     * Undoes percent-encoding; {@code '+'} stays a plus sign.
     *
     * @throws IllegalArgumentException for a {@code '%'} without two hex digits, naming the part
     *     ({@code what}) but quoting nothing of it: URLDecoder's own message quotes the text, which
     *     may be a password
     */
    private static String decode(String text, String what, String redacted) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed percent-encoding in " + what + " of ZooKeeper URI " + redacted
                    + ": write '%' as %25 and other escapes as '%' and two hex digits");
        }
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
