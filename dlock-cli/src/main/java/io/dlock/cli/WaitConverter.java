package io.dlock.cli;

import io.dlock.spi.UriQuery;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code --wait}: {@code 0} (one attempt), a duration, or {@code forever}. */
final class WaitConverter implements ITypeConverter<WaitConverter.Wait> {

    /** How long to wait: a limit, or none for {@code forever}. */
    record Wait(Optional<Duration> limit) {}

    @Override
    public Wait convert(String value) {
        if (value.equalsIgnoreCase("forever")) {
            return new Wait(Optional.empty());
        }
        if (value.equals("0")) {
            return new Wait(Optional.of(Duration.ZERO));
        }
        return new Wait(Optional.of(UriQuery.parseDuration(value, "--wait (0, a duration such as 10s, or forever)")));
    }
}
