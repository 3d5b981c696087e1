package io.dlock.shedlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.junit.jupiter.api.Test;

/** The ShedLock example compiles, runs against a real server, and is the one on docs/integrations/shedlock.md. */
class ReadmeExampleIT {

    /** A storage system that records the fencing tokens of its writes, as the example's {@code store}. */
    static final class Store {
        final List<Long> tokens = new ArrayList<>();

        void write(String key, long fencingToken) {
            tokens.add(fencingToken);
        }
    }

    @Test
    void theExampleRuns() {
        try (RedisServer server = RedisServer.start()) {
            String uri = server.uri();
            Store store = new Store();
            // spotless:off
            // README-EXAMPLE-START
            try (LockClient client = LockClient.connect(uri)) {
                LockingTaskExecutor executor = new DefaultLockingTaskExecutor(new DlockLockProvider(client));
                executor.executeWithLock((Runnable) () -> store.write("report", CurrentLock.fencingToken()),
                        new LockConfiguration(Instant.now(), "nightly-report", Duration.ofMinutes(10), Duration.ofSeconds(30)));
            }
            // README-EXAMPLE-END
            // spotless:on
            assertThat(store.tokens).hasSize(1).allSatisfy(token -> assertThat(token)
                    .isPositive());
            assertThat(server.command("PTTL", "dlock:{nightly-report}"))
                    .as("kept for lockAtLeastFor")
                    .matches(":\\d+");
        }
    }

    @Test
    void thePageShowsThisExample() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/dlock/shedlock/ReadmeExampleIT.java"));
        Matcher inTest = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(test);
        assertThat(inTest.find()).isTrue();
        String page = Files.readString(Path.of("../docs/integrations/shedlock.md"));
        assertThat(normalize(page)).contains(normalize(inTest.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
