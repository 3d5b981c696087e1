package io.dlock.examples.plain;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.servers.ManagedProcesses;
import io.dlock.servers.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Three processes of the example increment one fenced counter at once on a real Redis, and lose nothing. */
class CounterExampleIT {

    static final int PROCESSES = 3;
    static final int INCREMENTS = 25;

    @Test
    void processesIncrementingUnderTheLockLoseNoIncrement() throws Exception {
        Path directory = ManagedProcesses.scratchDirectory("plain-java-example");
        Path counter = directory.resolve("counter");
        try (RedisServer server = RedisServer.start()) {
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            try {
                for (int i = 0; i < PROCESSES; i++) {
                    Path output = directory.resolve("process-" + i + ".log");
                    String marker =
                            "plain-java-example-" + ProcessHandle.current().pid() + "-" + i;
                    Process process = new ProcessBuilder(
                                    ProcessHandle.current().info().command().orElse("java"),
                                    "-D" + marker,
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    CounterExample.class.getName(),
                                    server.uri(),
                                    counter.toString(),
                                    Integer.toString(INCREMENTS))
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .start();
                    ManagedProcesses.register(process, marker);
                    processes.add(process);
                    outputs.add(output);
                }
                for (int i = 0; i < PROCESSES; i++) {
                    Process process = processes.get(i);
                    assertThat(process.waitFor(3, TimeUnit.MINUTES))
                            .as("process %d finished", i)
                            .isTrue();
                    assertThat(process.exitValue())
                            .as("process %d's exit; its output:%n%s", i, Files.readString(outputs.get(i)))
                            .isZero();
                }
            } finally {
                for (Process process : processes) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                    ManagedProcesses.unregister(process);
                }
            }
            String[] state = Files.readString(counter).trim().split(" ", -1);
            assertThat(Long.parseLong(state[1])).as("the counter").isEqualTo(PROCESSES * INCREMENTS);
        } finally {
            ManagedProcesses.deleteQuietly(directory);
        }
    }

    @Test
    void thePageShowsThisExample() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/dlock/examples/plain/CounterExample.java"));
        Matcher example = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(source);
        assertThat(example.find()).isTrue();
        String page = Files.readString(Path.of("../../docs/integrations/examples.md"));
        assertThat(normalize(page)).contains(normalize(example.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
