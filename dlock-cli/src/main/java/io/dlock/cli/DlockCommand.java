package io.dlock.cli;

import io.dlock.BackendUnavailableException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The top-level {@code dlock} command: subcommands, {@code --version}, error reporting. */
@Command(
        name = "dlock",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Distributed locks with fencing tokens over Redis, Redlock and ZooKeeper.",
        subcommands = {
            RunCommand.class,
            StatusCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            TortureCommand.class,
            CommandLine.HelpCommand.class
        })
final class DlockCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Log at DEBUG level and print stack traces of errors.")
    void verbose(boolean on) {
        Logging.setVerbose(on);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line: clear one-line errors, and the exit codes from {@link ExitCodes} in each help. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new DlockCommand());
        listExitCodes(commandLine);
        commandLine.setExitCodeExceptionMapper(DlockCommand::exitCodeOf);
        commandLine.setExecutionExceptionHandler((error, cl, parsed) -> {
            if (Logging.isVerbose()) {
                error.printStackTrace(cl.getErr());
            } else {
                cl.getErr().println("dlock: " + oneLine(error));
            }
            return exitCodeOf(error);
        });
        commandLine.setParameterExceptionHandler((error, args) -> {
            CommandLine cl = error.getCommandLine();
            cl.getErr().println("dlock: " + error.getMessage());
            cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        return commandLine;
    }

    private static void listExitCodes(CommandLine commandLine) {
        Map<String, String> codes = ExitCodes.listFor(commandLine.getCommandName());
        if (!codes.isEmpty()) {
            commandLine
                    .getCommandSpec()
                    .usageMessage()
                    .exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(codes);
        }
        commandLine.getSubcommands().values().forEach(DlockCommand::listExitCodes);
    }

    private static int exitCodeOf(Throwable error) {
        if (error instanceof BackendUnavailableException) {
            return ExitCodes.UNAVAILABLE;
        }
        if (error instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.SOFTWARE;
    }

    private static String oneLine(Throwable error) {
        String message = error.getMessage();
        return message != null ? message : error.getClass().getSimpleName();
    }
}
