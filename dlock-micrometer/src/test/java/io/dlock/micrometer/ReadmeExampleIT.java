package io.dlock.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Micrometer example compiles, runs against a real server, and is the one on docs/integrations/micrometer.md. */
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
            MeterRegistry registry = new SimpleMeterRegistry();
            // spotless:off
            // README-EXAMPLE-START
            DlockMetrics metrics = DlockMetrics.create();                  // DlockMetrics.withLockNameTags(): a 'lock' tag too
            try (LockClient client = LockClient.builder(uri).listener(metrics).build()) {
                metrics.binder(client).bindTo(registry);
                try (Lease lease = client.lock("orders:42").acquire(Duration.ofSeconds(10))) {
                    store.write("orders:42", lease.fencingToken());
                }
            }
            // README-EXAMPLE-END
            // spotless:on
            assertThat(store.tokens).hasSize(1);
            Poll.until("the acquisition and its release are recorded", Duration.ofSeconds(5), () -> {
                Timer released = registry.find("dlock.leases.released")
                        .tags("backend", "redis")
                        .timer();
                return released != null && released.count() == 1;
            });
            assertThat(registry.get("dlock.acquisitions")
                            .tags("backend", "redis", "outcome", "acquired")
                            .timer()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void thePageShowsThisExample() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/dlock/micrometer/ReadmeExampleIT.java"));
        Matcher inTest = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(test);
        assertThat(inTest.find()).isTrue();
        String page = Files.readString(Path.of("../docs/integrations/micrometer.md"));
        assertThat(normalize(page)).contains(normalize(inTest.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
