package io.dlock;

import java.time.Duration;

/** Formats durations the way people write them: {@code 250ms}, {@code 1.5s}, {@code 2m}. */
final class Durations {

    private Durations() {}

    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis == 0 && !d.isZero()) {
            return d.toNanos() / 1_000 + "us";
        }
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis / 1_000.0 + "s";
        }
        if (millis < 3_600_000) {
            return millis % 60_000 == 0 ? millis / 60_000 + "m" : millis / 1_000 + "s";
        }
        return millis % 3_600_000 == 0 ? millis / 3_600_000 + "h" : millis / 60_000 + "m";
    }
}
