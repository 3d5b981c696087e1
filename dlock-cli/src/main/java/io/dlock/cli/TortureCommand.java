package io.dlock.cli;

import io.dlock.testkit.torture.BackendKind;
import io.dlock.testkit.torture.Fault;
import io.dlock.testkit.torture.ResultsTable;
import io.dlock.testkit.torture.RunResult;
import io.dlock.testkit.torture.Scenario;
import io.dlock.testkit.torture.TortureRun;
import io.dlock.testkit.torture.TortureSuite;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dlock torture}: the fault-injection safety suite on local servers it starts itself;
 * prints one line per run and then the results table (Markdown).
 */
@Command(name = "torture", mixinStandardHelpOptions = true,
        description = {"Torture each backend on local servers: worker JVMs take locks and increment a fenced"
                + " counter while servers and workers are crashed, paused and cut off on a seeded schedule;"
                + " then count mutual-exclusion violations, stale writes, tokens that did not increase,"
                + " lost increments and unavailability. Needs only a JDK (and redis-server, else the bundled one).",
            "%nOne line per run goes to stderr, the Markdown table to stdout (and to --output).%n"})
final class TortureCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--backend", split = ",", paramLabel = "BACKEND",
            description = "Backends to torture: ${COMPLETION-CANDIDATES} (default: all).")
    private List<BackendKind> backends = List.of(BackendKind.values());

    @Option(names = "--fault", split = ",", paramLabel = "FAULT",
            description = "Faults, each in runs of its own: ${COMPLETION-CANDIDATES} (default: all that apply).")
    private List<Fault> faults = List.of(Fault.values());

    @Option(names = "--controls", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the negative controls too; --no-controls to skip them (default: ${DEFAULT-VALUE}).")
    private boolean controls;

    @Option(names = "--seed", defaultValue = "1", description = "The first seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--runs", defaultValue = "1", description = "Runs of each scenario, seeds seed, seed+1, …"
            + " (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = {"-d", "--duration"}, defaultValue = "30s", converter = DurationConverter.class,
            description = "Each run's time (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--hold-max", defaultValue = "60ms", converter = DurationConverter.class,
            description = "The longest a worker holds a lock between its read and its write; holds are drawn"
                    + " from 5 ms to this (default: ${DEFAULT-VALUE}). The negative controls keep their own.")
    private Duration holdMax;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the table to FILE.")
    private @Nullable Path output;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || duration.compareTo(Duration.ofSeconds(5)) < 0 || holdMax.compareTo(Duration.ofMillis(5)) < 0) {
            throw new IllegalArgumentException("--runs must be positive, --duration at least 5s, --hold-max at least 5ms");
        }
        List<Scenario> plan = TortureSuite.plan(EnumSet.copyOf(backends), EnumSet.copyOf(faults), controls, seed,
                duration, runs, holdMax);
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
        return TortureSuite.passed(results) ? ExitCodes.OK : ExitCodes.TORTURE_FAILED;
    }
}
