package io.dlock.cli;

import io.dlock.servers.ManagedProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code dlock torture}: runs the fault-injection safety suite, which is not part of dlock but
 * ships as {@code dlock-torture.jar} (the torture harness and its deliberately broken backends
 * have no place in what users deploy). Passes every argument on, {@code --help} included, to
 * that jar in a JVM of its own that shares this one's standard streams, and exits with its
 * code. The child is registered with {@link ManagedProcesses}, so it does not outlive dlock,
 * even when dlock is killed; it reaps its own servers and workers in turn.
 *
 * <p>The jar is looked for in the system property {@value #JAR_PROPERTY}, then beside
 * {@code dlock.jar}, then where a build of this checkout leaves it
 * ({@code dlock-torture/target/dlock-torture.jar} beside {@code dlock-cli/target/dlock.jar}).
 */
@Command(
        name = "torture",
        description = {
            "Torture each backend on local servers: worker JVMs take locks and increment a fenced"
                    + " counter while servers and workers are crashed, paused and cut off on a seeded schedule;"
                    + " then count mutual-exclusion violations, stale writes, tokens that did not increase,"
                    + " lost increments and unavailability. Runs dlock-torture.jar (built by ./mvnw package);"
                    + " 'dlock torture --help' shows its options."
        })
final class TortureCommand implements Callable<Integer> {

    /** The system property naming the torture jar, when it is not where dlock looks by itself. */
    static final String JAR_PROPERTY = "dlock.torture.jar";

    private static final String JAR_NAME = "dlock-torture.jar";

    @Spec
    private CommandSpec spec;

    @Unmatched
    private List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<Path> candidates = candidates();
        Optional<Path> jar = candidates.stream().filter(Files::isRegularFile).findFirst();
        if (jar.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("dlock: dlock torture runs " + JAR_NAME + ", which is not in "
                            + candidates + "; build it with ./mvnw -q package -DskipTests, or name it with -D"
                            + JAR_PROPERTY + "=FILE");
            return ExitCodes.LAUNCHER_CONFIG;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String marker = "-Ddlock.torture.parent=" + ProcessHandle.current().pid();
        List<String> command = new ArrayList<>(List.of(java, marker));
        command.addAll(passedOnJvmOptions());
        command.addAll(List.of("-jar", jar.get().toString()));
        command.addAll(arguments);
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        Process torture;
        try {
            torture = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the torture JVM", e);
        }
        ManagedProcesses.register(torture, marker);
        try {
            return torture.waitFor();
        } finally {
            ManagedProcesses.unregister(torture);
        }
    }

    /** Where the jar may be, in order. */
    private static List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        String named = System.getProperty(JAR_PROPERTY);
        if (named != null && !named.isBlank()) {
            candidates.add(Path.of(named));
            return candidates;
        }
        ownJar().map(own -> own.toAbsolutePath().getParent()).ifPresent(directory -> {
            candidates.add(directory.resolve(JAR_NAME));
            // dlock-cli/target/dlock.jar -> dlock-torture/target/dlock-torture.jar
            Optional.ofNullable(directory.getParent())
                    .map(Path::getParent)
                    .ifPresent(checkout -> candidates.add(
                            checkout.resolve("dlock-torture").resolve("target").resolve(JAR_NAME)));
        });
        return candidates;
    }

    /** The jar this JVM runs from, if it runs from one. */
    private static Optional<Path> ownJar() {
        CodeSource source = TortureCommand.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * This JVM's options the torture JVM needs too: system properties, and those the launcher
     * passes on JDK 24+ so that Netty's use of Unsafe and native access prints no warning.
     * Debugging and agent options stay here: the child would fight over their ports.
     */
    private static List<String> passedOnJvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("-D")
                        || option.startsWith("--enable-native-access")
                        || option.startsWith("--sun-misc-unsafe-memory-access"))
                .toList();
    }
}
