package io.dlock.redis;

import io.dlock.spi.UriQuery;
import io.dlock.spi.UriSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the two ways of naming a Redlock set:
 * <ul>
 *   <li>{@code redlock://[user:password@]h1:p1,h2:p2,h3:p3[/db][?options]}: same credentials and
 *       database on every node;
 *   <li>{@code redis://h1:p1,rediss://:pw@h2:p2?trustStore=ca.p12,redis://h3:p3[?options]}: a
 *       list of node URIs, each with its own credentials, TLS and Redis options; the Redlock
 *       options may stand in any node's query (usually the last) and apply to all.
 * </ul>
 * Redlock options are those of {@link RedlockOptions}; unknown ones are refused.
 */
record RedlockUri(List<RedisEndpoint> endpoints, RedlockOptions options) {

    /** True when {@code uri} names a Redlock set rather than one node. */
    static boolean isRedlock(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        return lower.startsWith("redlock://") || lower.matches("(?s)rediss?://.*,\\s*rediss?://.*");
    }

    /**
     * Parses either form.
     *
     * @throws IllegalArgumentException naming what is wrong, never repeating a password
     */
    static RedlockUri parse(String uri, Duration defaultLease) {
        String trimmed = uri.trim();
        List<String> nodeUris;
        String redlockQuery;
        if (trimmed.toLowerCase(Locale.ROOT).startsWith("redlock://")) {
            redlockQuery = queryOf(trimmed);
            nodeUris = expand(UriQuery.withoutQuery(trimmed).substring("redlock://".length()));
        } else {
            StringBuilder shared = new StringBuilder();
            nodeUris = new ArrayList<>();
            for (String nodeUri : trimmed.split("\\s*,\\s*(?=(?i)rediss?://)", -1)) {
                nodeUris.add(withoutRedlockOptions(nodeUri, shared));
            }
            redlockQuery = shared.toString();
        }
        RedlockOptions options;
        try {
            options = RedlockOptions.from(
                    UriQuery.of("?" + redlockQuery).allowOnly(RedlockOptions.PARAMETERS), defaultLease);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(UriSecrets.scrub(e.getMessage(), uri));
        }
        if (nodeUris.isEmpty() || nodeUris.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("Redlock URI names no nodes or an empty one: " + UriSecrets.redact(uri));
        }
        List<RedisEndpoint> endpoints = new ArrayList<>();
        for (String nodeUri : nodeUris) {
            RedisEndpoint endpoint = RedisEndpoint.parse(nodeUri).withTimeout(options.nodeTimeout());
            if (endpoints.stream().anyMatch(e -> e.toString().equals(endpoint.toString()))) {
                throw new IllegalArgumentException("Redlock URI names node " + endpoint + " twice");
            }
            endpoints.add(endpoint);
        }
        return new RedlockUri(List.copyOf(endpoints), options);
    }

    /** The query of {@code uri} without its {@code '?'}, or empty. */
    private static String queryOf(String uri) {
        int question = uri.indexOf('?');
        return question >= 0 ? uri.substring(question + 1) : "";
    }

    /**
     * A node URI of the list form without the Redlock options in its query, which are appended
     * to {@code shared} (a repeated option then fails as given twice).
     */
    private static String withoutRedlockOptions(String nodeUri, StringBuilder shared) {
        String query = queryOf(nodeUri);
        if (query.isEmpty()) {
            return nodeUri;
        }
        List<String> own = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            String name = pair.split("=", 2)[0];
            if (RedlockOptions.PARAMETERS.stream().anyMatch(name::equalsIgnoreCase)) { // misspelt case: refused there
                shared.append(shared.length() > 0 ? "&" : "").append(pair);
            } else if (!pair.isEmpty()) {
                own.add(pair);
            }
        }
        return UriQuery.withoutQuery(nodeUri) + (own.isEmpty() ? "" : "?" + String.join("&", own));
    }

    /** {@code user:pw@h1:p1,h2:p2/db} into {@code redis://user:pw@h1:p1/db}, … */
    private static List<String> expand(String rest) {
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? rest.substring(slash) : "";
        int at = authority.lastIndexOf('@');
        String credentials = at >= 0 ? authority.substring(0, at + 1) : "";
        String hosts = authority.substring(at + 1);
        List<String> nodeUris = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            nodeUris.add(host.isBlank() ? "" : "redis://" + credentials + host.trim() + database);
        }
        return nodeUris;
    }
}
