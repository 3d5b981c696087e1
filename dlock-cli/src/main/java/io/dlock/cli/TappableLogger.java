package io.dlock.cli;

import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleLogger;

/**
 * slf4j-simple's logger, whose INFO events can also go to a listener for a while ({@link #tap}),
 * whatever the logger's level: the demo shows what a library logs at INFO in its own words, while
 * the command's log stays at WARN. Events the level lets through are printed as usual.
 */
final class TappableLogger extends SimpleLogger {

    private static final long serialVersionUID = 1L;

    /** Where INFO events go as well, while tapped. */
    private transient volatile Optional<Consumer<String>> tap = Optional.empty();

    TappableLogger(String name) {
        super(name);
    }

    /** A tap on a logger: while open, the logger's INFO messages go to its listener. */
    interface Tap extends AutoCloseable {
        /** Stops passing messages to the listener. */
        @Override
        void close();
    }

    /**
     * Passes the INFO messages of the logger named {@code name}, formatted, to {@code listener}
     * until the returned tap is closed; one tap per logger at a time. The listener runs on the
     * logging thread.
     *
     * @throws IllegalStateException if SLF4J was not set up with {@link TappableLoggingProvider}
     *     (by {@link Logging#useDefaults()}), or the logger is tapped already
     */
    static Tap tap(String name, Consumer<String> listener) {
        if (!(LoggerFactory.getLogger(name) instanceof TappableLogger logger)) {
            throw new IllegalStateException("logger " + name + " cannot be tapped: SLF4J's provider is not "
                    + TappableLoggingProvider.class.getSimpleName());
        }
        if (logger.tap.isPresent()) {
            throw new IllegalStateException("logger " + name + " is tapped already");
        }
        logger.tap = Optional.of(listener);
        return () -> logger.tap = Optional.empty();
    }

    @Override
    protected boolean isLevelEnabled(int level) {
        return super.isLevelEnabled(level) || (level == LOG_LEVEL_INFO && tap.isPresent());
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
        Optional<Consumer<String>> listener = tap;
        if (level == Level.INFO && listener.isPresent()) {
            listener.get().accept(MessageFormatter.basicArrayFormat(messagePattern, arguments));
        }
        if (super.isLevelEnabled(level.toInt())) {
            super.handleNormalizedLoggingCall(level, marker, messagePattern, arguments, throwable);
        }
    }
}
