package io.dlock.cli;

import org.jspecify.annotations.Nullable;

/** Writes one flat JSON object: strings escaped, numbers, booleans and nulls as they are. */
final class Json {

    private final StringBuilder text = new StringBuilder("{");

    Json field(String name, @Nullable Object value) {
        if (text.length() > 1) {
            text.append(", ");
        }
        text.append(quote(name)).append(": ");
        if (value == null || value instanceof Number || value instanceof Boolean) {
            text.append(value);
        } else {
            text.append(quote(value.toString()));
        }
        return this;
    }

    @Override
    public String toString() {
        return text + "}";
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
