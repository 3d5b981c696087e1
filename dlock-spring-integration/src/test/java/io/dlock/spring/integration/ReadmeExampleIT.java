package io.dlock.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/** The Spring Integration example compiles, runs against a real server, and is the one on docs/integrations/spring-integration.md. */
class ReadmeExampleIT {

    /** A storage system that records the fencing tokens of its writes, as the example's {@code store}. */
    static final class Store {
        final List<Long> tokens = new ArrayList<>();

        void write(String key, long fencingToken) {
            tokens.add(fencingToken);
        }
    }

    @Test
    void theExampleRuns() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            String uri = server.uri();
            Store store = new Store();
            List<Boolean> led = new ArrayList<>();
            // spotless:off
            // README-EXAMPLE-START
            try (LockClient client = LockClient.connect(uri)) {
                DlockLockRegistry registry = new DlockLockRegistry(client);
                registry.executeLocked("orders:42",
                        () -> store.write("orders:42", registry.currentLease("orders:42").orElseThrow().fencingToken()));
                LockRegistryLeaderInitiator leader = new LockRegistryLeaderInitiator(registry, new DefaultCandidate("node-1", "billing"));
                leader.start();                                            // as a bean, the application context starts and stops it
                // ...
                Poll.until("node-1 leads", Duration.ofSeconds(10), () -> leader.getContext().isLeader());
                led.add(client.inspect("billing").isHeld());
                leader.stop();
            }
            // README-EXAMPLE-END
            // spotless:on
            assertThat(store.tokens).hasSize(1).allSatisfy(token -> assertThat(token)
                    .isPositive());
            assertThat(led).containsExactly(true);
        }
    }

    @Test
    void thePageShowsThisExample() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/dlock/spring/integration/ReadmeExampleIT.java"));
        Matcher inTest = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(test);
        assertThat(inTest.find()).isTrue();
        String page = Files.readString(Path.of("../docs/integrations/spring-integration.md"));
        assertThat(normalize(page)).contains(normalize(inTest.group(1)));
    }

    /** Drops blank lines, and the test's own checks inside the example (lines the README replaces by "// ..."). */
    private static String normalize(String code) {
        return code.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .filter(line -> !line.startsWith("Poll.until(") && !line.startsWith("led.add("))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
