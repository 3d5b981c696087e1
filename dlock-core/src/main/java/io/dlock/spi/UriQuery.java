package io.dlock.spi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The options a backend reads from the query part of its URI ({@code ?nodeTimeout=50ms&…}),
 * with typed accessors whose errors name the parameter and the accepted form.
 */
public final class UriQuery {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private final Map<String, String> parameters;

    private UriQuery(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    /**
     * Splits {@code uri} at its first {@code '?'}: the part before and the parsed query.
     *
     * @throws IllegalArgumentException for a parameter without a value or given twice
     */
    public static UriQuery of(String uri) {
        int question = uri.indexOf('?');
        Map<String, String> parameters = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : uri.substring(question + 1).split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(
                            "URI parameter '" + pair + "' needs a name and a value (name=value)");
                }
                String name = pair.substring(0, equals);
                String value = decode(pair.substring(equals + 1), "URI parameter '" + name + "'");
                if (parameters.put(name, value) != null) {
                    throw new IllegalArgumentException("URI parameter '" + name + "' is given twice");
                }
            }
        }
        return new UriQuery(parameters);
    }

    /**
     * Undoes percent-encoding; {@code '+'} stays a plus sign (URIs are not form data).
     *
     * @param what names the part in the error message, which quotes nothing of it (it may be a
     *     password)
     * @throws IllegalArgumentException for a {@code '%'} without two hex digits
     */
    public static String decode(String text, String what) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed percent-encoding in " + what
                    + ": write '%' as %25 and other escapes as '%' and two hex digits");
        }
    }

    /** The URI without its query. */
    public static String withoutQuery(String uri) {
        int question = uri.indexOf('?');
        return question >= 0 ? uri.substring(0, question) : uri;
    }

    /**
     * Fails on any parameter not in {@code known}, so a misspelt option is never silently ignored.
     *
     * @throws IllegalArgumentException naming the unknown parameter and the known ones
     */
    public UriQuery allowOnly(Set<String> known) {
        for (String name : parameters.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown URI parameter '" + name + "'; known: " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return this;
    }

    /** The raw value of {@code name}, if given. */
    public Optional<String> text(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /**
     * The duration {@code name}, or {@code otherwise} when absent.
     *
     * @throws IllegalArgumentException if the value is not a duration (see {@link #parseDuration})
     */
    public Duration duration(String name, Duration otherwise) {
        return text(name)
                .map(value -> parseDuration(value, "URI parameter '" + name + "'"))
                .orElse(otherwise);
    }

    /**
     * The boolean {@code name} ({@code true}/{@code false}), or {@code otherwise} when absent.
     *
     * @throws IllegalArgumentException for any other value
     */
    public boolean flag(String name, boolean otherwise) {
        return text(name)
                .map(value -> switch (value.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default ->
                        throw new IllegalArgumentException(
                                "URI parameter '" + name + "' must be true or false, was '" + value + "'");
                })
                .orElse(otherwise);
    }

    /**
     * The duration {@code name} within [{@code min}, {@code max}], or {@code otherwise} when absent.
     *
     * @throws IllegalArgumentException if the value is not a duration or out of range, naming both
     */
    public Duration duration(String name, Duration otherwise, Duration min, Duration max) {
        Duration value = duration(name, otherwise);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("URI parameter '" + name + "' must be between " + format(min) + " and "
                    + format(max) + ", was '" + text(name).orElse(format(value)) + "'");
        }
        return value;
    }

    /**
     * The constant of {@code type} named by {@code name}'s value, ignoring case, or
     * {@code otherwise} when absent.
     *
     * @throws IllegalArgumentException for any other value, listing the accepted ones
     */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E otherwise) {
        return text(name)
                .map(value -> Arrays.stream(type.getEnumConstants())
                        .filter(constant -> constant.name().equalsIgnoreCase(value))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("URI parameter '" + name + "' must be one of "
                                + Arrays.stream(type.getEnumConstants())
                                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                                        .collect(Collectors.joining(", "))
                                + ", was '" + value + "'")))
                .orElse(otherwise);
    }

    private static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 60_000 == 0
                ? millis / 60_000 + "m"
                : millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    /**
     * Parses a duration as people write it: {@code 250ms}, {@code 1.5s}, {@code 10s}, {@code 2m},
     * {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT30S}).
     *
     * @param what names the value in the error message
     * @throws IllegalArgumentException if the text is not such a duration
     */
    public static Duration parseDuration(String text, String what) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(trimmed);
        if (matcher.matches()) {
            double amount = Double.parseDouble(matcher.group(1));
            long millisPerUnit =
                    switch (matcher.group(2)) {
                        case "ms" -> 1L;
                        case "s" -> 1_000L;
                        case "m" -> 60_000L;
                        case "h" -> 3_600_000L;
                        default -> 86_400_000L;
                    };
            return Duration.ofNanos(Math.round(amount * millisPerUnit * 1_000_000));
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    what + " must be a duration such as 250ms, 10s, 2m or PT30S; was '" + text + "'");
        }
    }
}
