package io.dlock.spi;

import java.util.Objects;

/**
 * What the engine hands a backend when it opens it.
 *
 * @param ticker the engine's monotonic clock; a backend that measures elapsed time (Redlock's
 *     validity) must read this one
 * @param lossSink where the backend reports locks it finds gone on its own
 */
public record BackendContext(Ticker ticker, LeaseLossSink lossSink) {

    /** Checks that no component is null. */
    public BackendContext {
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(lossSink, "lossSink");
    }
}
