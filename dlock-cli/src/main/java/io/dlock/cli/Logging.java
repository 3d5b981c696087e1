package io.dlock.cli;

/**
 * Logging of the command: SLF4J's simple binding, to stderr, WARN by default and DEBUG for
 * dlock with {@code --verbose}, through {@link TappableLoggingProvider} so that the demo can show
 * what is logged at INFO in its story. The simple binding reads these settings when the first
 * logger is created, which happens after picocli has parsed the options.
 */
final class Logging {

    private static volatile boolean verbose;

    private Logging() {}

    /** Sets the defaults; call before anything logs. */
    static void useDefaults() {
        System.setProperty("slf4j.provider", TappableLoggingProvider.class.getName());
        // SLF4J says at INFO which provider it was told to load: not worth a line on every run
        System.setProperty("slf4j.internal.verbosity", "WARN");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.curator", "error");
    }

    /** Turns on DEBUG for dlock's own loggers and stack traces of errors. */
    static void setVerbose(boolean on) {
        verbose = on;
        if (on) {
            System.setProperty("org.slf4j.simpleLogger.log.io.dlock", "debug");
        }
    }

    static boolean isVerbose() {
        return verbose;
    }
}
