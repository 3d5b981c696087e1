package io.dlock.torture;

/**
 * The program of {@code dlock-torture.jar}: {@code java -jar dlock-torture.jar [options]}, or
 * {@code dlock torture [options]}, which runs this jar. Exits with {@link TortureCommand}'s code.
 */
public final class Main {

    private Main() {}

    /** Runs the torture suite as {@code args} say and exits with its exit code. */
    public static void main(String[] args) {
        // As dlock logs: warnings only, to stderr; ZooKeeper's and Curator's chatter about the
        // servers the nemesis stops only when it is an error. A -D on the command line wins.
        setUnlessGiven("org.slf4j.simpleLogger.logFile", "System.err");
        setUnlessGiven("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setUnlessGiven("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        setUnlessGiven("org.slf4j.simpleLogger.log.org.apache.curator", "error");
        System.exit(TortureCommand.commandLine().execute(args));
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
