package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The mutex page's fixed-lease example compiles, runs against a real server, and is the one printed there. */
class MutexPageExampleIT {

    /** The page the example is printed on, from this module's directory (where Maven runs the tests). */
    private static final Path PAGE = Path.of("..", "docs", "primitives", "mutex.md");

    /** A storage system that records the fencing tokens of its writes, as the example's {@code store}. */
    static final class Store {
        final List<Long> tokens = new ArrayList<>();

        void write(String key, String value, long fencingToken) {
            tokens.add(fencingToken);
        }
    }

    @Test
    void theExampleRuns() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            String uri = server.uri();
            Store store = new Store();
            // spotless:off
            // README-EXAMPLE-START
            try (LockClient client = LockClient.connect(uri)) {
                var lock = client.lock("nightly-report");
                Optional<Lease> taken = lock.tryAcquire(Duration.ZERO, Duration.ofMinutes(5));  // one attempt, a fixed lease
                if (taken.isPresent()) {
                    Lease lease = taken.get();
                    store.write("report", "part 1", lease.fencingToken());
                    if (!lease.extend(Duration.ofMinutes(5))) {                 // now ends 5 minutes from now
                        throw new IllegalStateException("lost the lock");
                    }
                    store.write("report", "part 2", lease.fencingToken());
                    lease.releaseAfter(Duration.ofSeconds(30));                 // nobody else takes it for 30 s
                }
            }
            // README-EXAMPLE-END
            // spotless:on
            assertThat(store.tokens)
                    .as("both parts, with the one token the extension kept")
                    .hasSize(2)
                    .allSatisfy(token -> assertThat(token).isEqualTo(store.tokens.get(0)));
            try (LockClient other = LockClient.connect(uri)) {
                assertThat(other.lock("nightly-report").tryAcquire(Duration.ZERO))
                        .as("kept after its client closed")
                        .isEmpty();
                assertThat(other.inspect("nightly-report")
                                .holder()
                                .orElseThrow()
                                .remaining()
                                .orElseThrow())
                        .as("kept for about 30 s")
                        .isGreaterThan(Duration.ofSeconds(20))
                        .isLessThanOrEqualTo(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void thePageShowsThisExample() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/dlock/redis/MutexPageExampleIT.java"));
        Matcher inTest = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(test);
        assertThat(inTest.find()).isTrue();
        assertThat(normalize(Files.readString(PAGE))).contains(normalize(inTest.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
