package io.dlock.cli;

import org.slf4j.ILoggerFactory;
import org.slf4j.simple.SimpleLoggerFactory;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * The command's SLF4J provider: slf4j-simple's, configured as before by {@link Logging}, except
 * that its loggers are {@link TappableLogger}s, whose INFO events the demo can show in its story
 * while the log itself stays at WARN. {@link Logging} names it in the {@code slf4j.provider}
 * property; it is public because SLF4J creates it by reflection.
 */
public final class TappableLoggingProvider extends SimpleServiceProvider {

    private final ILoggerFactory loggers = new TappableLoggerFactory();

    /** Made by SLF4J when it binds, after {@link Logging} has set slf4j-simple's properties. */
    public TappableLoggingProvider() {}

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    /** slf4j-simple's factory, making tappable loggers. */
    private static final class TappableLoggerFactory extends SimpleLoggerFactory {
        @Override
        protected org.slf4j.Logger createLogger(String name) {
            return new TappableLogger(name);
        }
    }
}
