package io.dlock.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Hides the secrets of a lock service URI (or of a list of node URIs) for messages and logs, the
 * same way for every backend: each URI's user info up to its last {@code '@'} except the user
 * name (a password may hold any character, {@code '@'}, {@code '/'} and {@code '?'} too, and a
 * lone {@code secret@host} is a password), and the value of every parameter whose name ends in
 * {@code password}, such as {@code trustStorePassword}.
 */
public final class UriSecrets {

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)[a-z]*password=([^&,]*)");

    private UriSecrets() {}

    /**
     * {@code uri} with every secret replaced by {@code ***}; nothing else changes.
     *
     * <pre>{@code
     * redact("zk://alice:s3cret@h1:2181,h2:2181/locks") -> "zk://alice:***@h1:2181,h2:2181/locks"
     * }</pre>
     */
    public static String redact(String uri) {
        StringBuilder redacted = new StringBuilder();
        int copied = 0;
        for (int[] secret : secretRuns(uri)) {
            redacted.append(uri, copied, secret[0]).append("***");
            copied = secret[1];
        }
        return redacted.append(uri.substring(copied)).toString();
    }

    /**
     * {@code message} (a parser's, say, which may quote any part of {@code uri}) with every
     * secret of {@code uri} replaced by {@code ***} wherever it appears.
     */
    public static String scrub(@Nullable String message, String uri) {
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
        Matcher password = PASSWORD_PARAMETER.matcher(text);
        while (password.find()) {
            Arrays.fill(secret, password.start(1), password.end(1), true);
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
}
