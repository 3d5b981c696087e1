package io.dlock.cli;

import io.dlock.spi.UriQuery;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations as people write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code PT30S}. */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return UriQuery.parseDuration(value, "duration");
    }
}
