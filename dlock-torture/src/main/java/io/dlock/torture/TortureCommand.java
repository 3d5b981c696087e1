package io.dlock.torture;

import io.dlock.spi.UriQuery;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dlock torture}, the program of {@code dlock-torture.jar}: the fault-injection safety
 * suite on local servers it starts itself; prints one line per run and then the results table
 * (Markdown). The {@code dlock} command runs this jar for its {@code torture} subcommand.
 */
@Command(
        name = "dlock torture",
        mixinStandardHelpOptions = true,
        versionProvider = TortureCommand.Version.class,
        description = {
            "Torture each backend on local servers: worker JVMs take locks and increment a fenced"
                    + " counter while servers and workers are crashed, paused and cut off on a seeded schedule;"
                    + " then count mutual-exclusion violations, stale writes, tokens that did not increase,"
                    + " lost increments and unavailability. Needs only a JDK (and redis-server, else the bundled one).",
            "%nOne line per run goes to stderr, the Markdown table to stdout (and to --output).%n"
        })
final class TortureCommand implements Callable<Integer> {

    /** Every run kept its promises and every control was flagged. */
    static final int OK = 0;
    /** A run broke a promise, a control was not flagged, or the harness failed. */
    static final int FAILED = 1;
    /** Bad command line (EX_USAGE, as {@code dlock}). */
    static final int USAGE = 64;
    /** An unexpected failure (EX_SOFTWARE, as {@code dlock}). */
    static final int SOFTWARE = 70;
    /**
     * {@code dlock torture} found no {@code dlock-torture.jar} (EX_CONFIG); this program never exits
     * with it, but its help is what {@code dlock torture --help} shows.
     */
    static final int NO_TORTURE_JAR = 78;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--backend",
            split = ",",
            paramLabel = "BACKEND",
            description = "Backends to torture: ${COMPLETION-CANDIDATES} (default: all).")
    private List<BackendKind> backends = List.of(BackendKind.values());

    @Option(
            names = "--fault",
            split = ",",
            paramLabel = "FAULT",
            description = "Faults, each in runs of its own: ${COMPLETION-CANDIDATES} (default: all that apply).")
    private List<Fault> faults = List.of(Fault.values());

    @Option(
            names = "--controls",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Run the negative controls too; --no-controls to skip them (default: ${DEFAULT-VALUE}).")
    private boolean controls;

    @Option(names = "--seed", defaultValue = "1", description = "The first seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--runs",
            defaultValue = "1",
            description = "Runs of each scenario, seeds seed, seed+1, …" + " (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(
            names = {"-d", "--duration"},
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Each run's time (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(
            names = "--hold-max",
            defaultValue = "60ms",
            converter = DurationConverter.class,
            description = "The longest a worker holds a lock between its read and its write; holds are drawn"
                    + " from 5 ms to this (default: ${DEFAULT-VALUE}). The negative controls keep their own.")
    private Duration holdMax;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the table to FILE.")
    private Path output;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || duration.compareTo(Duration.ofSeconds(5)) < 0 || holdMax.compareTo(Duration.ofMillis(5)) < 0) {
            throw new IllegalArgumentException(
                    "--runs must be positive, --duration at least 5s, --hold-max at least 5ms");
        }
        List<Scenario> plan = TortureSuite.plan(
                EnumSet.copyOf(backends), EnumSet.copyOf(faults), controls, seed, duration, runs, holdMax);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("dlock torture: %d runs of %ds each%n", plan.size(), duration.toSeconds());
        List<RunResult> results = new ArrayList<>();
        for (Scenario scenario : plan) {
            RunResult result = TortureRun.run(scenario);
            results.add(result);
            err.println(result.summary());
            err.flush();
        }
        String table = ResultsTable.markdown(results);
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush();
        if (output != null) {
            Files.writeString(output, table, StandardCharsets.UTF_8);
        }
        return TortureSuite.passed(results) ? OK : FAILED;
    }

    /** The exit codes, code to meaning, for the help; {@code dlock}'s own list for torture says the same. */
    static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(OK), "every run kept the README's promises and every negative control was flagged");
        codes.put(Integer.toString(FAILED), "a promise was broken, a control was not flagged, or the harness failed");
        codes.put(Integer.toString(USAGE), "bad command line");
        codes.put(Integer.toString(SOFTWARE), "internal error");
        codes.put(Integer.toString(NO_TORTURE_JAR), "dlock found no dlock-torture.jar to run");
        return codes;
    }

    /** The configured command line: one-line errors, the exit codes in the help. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new TortureCommand());
        // Backends and faults as the results tables print them (redlock, rolling_restart) are accepted too.
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine
                .getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes());
        commandLine.setExitCodeExceptionMapper(error -> error instanceof IllegalArgumentException ? USAGE : SOFTWARE);
        commandLine.setExecutionExceptionHandler((error, cl, parsed) -> {
            cl.getErr()
                    .println("dlock torture: "
                            + (error.getMessage() != null
                                    ? error.getMessage()
                                    : error.getClass().getSimpleName()));
            return error instanceof IllegalArgumentException ? USAGE : SOFTWARE;
        });
        commandLine.setParameterExceptionHandler((error, args) -> {
            error.getCommandLine().getErr().println("dlock torture: " + error.getMessage());
            error.getCommandLine().getErr().println("Try 'dlock torture --help' for more information.");
            return USAGE;
        });
        return commandLine;
    }

    /** The version in the jar's manifest, as {@code dlock --version} shows its own. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TortureCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dlock torture " + (version != null ? version : "(not from a packaged jar)")};
        }
    }

    /** Reads durations as {@code dlock} does: {@code 500ms}, {@code 10s}, {@code 2m}, {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return UriQuery.parseDuration(value, "duration");
        }
    }
}
