package io.dlock.cli;

/** The {@code dlock} program: parses the command line and exits with the command's code. */
public final class Main {

    private Main() {}

    /** Runs {@code dlock} with {@code args} and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs {@code dlock} with {@code args} and returns its exit code, without exiting. */
    static int execute(String... args) {
        Logging.useDefaults();
        return DlockCommand.commandLine().execute(args);
    }
}
