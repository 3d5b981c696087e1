package io.dlock.redis;

import io.dlock.spi.UriQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the two ways of naming a Redlock set:
 * <ul>
 *   <li>{@code redlock://[user:password@]h1:p1,h2:p2,h3:p3[/db][?options]}: same credentials and
 *       database on every node;
 *   <li>{@code redis://h1:p1,rediss://:pw@h2:p2,redis://h3:p3[?options]}: a list of node URIs,
 *       each with its own credentials and TLS; the options after the last one apply to all.
 * </ul>
 * Options are those of {@link RedlockOptions}; unknown ones are refused.
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
        RedlockOptions options = RedlockOptions.from(UriQuery.of(uri).allowOnly(RedlockOptions.PARAMETERS), defaultLease);
        String bare = UriQuery.withoutQuery(uri).trim();
        List<String> nodeUris = bare.toLowerCase(Locale.ROOT).startsWith("redlock://")
                ? expand(bare.substring("redlock://".length()))
                : List.of(bare.split("\\s*,\\s*(?=(?i)rediss?://)"));
        if (nodeUris.isEmpty() || nodeUris.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("Redlock URI names no nodes or an empty one: " + RedisEndpoint.redact(uri));
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
