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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's usage example compiles, runs against a real server, and is the one printed there. */
class ReadmeExampleIT {

    /** A storage system that checks fencing tokens, as the example's {@code store}. */
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
            try (LockClient client = LockClient.connect(uri)) {          // e.g. "redis://localhost:6379"
                var lock = client.lock("orders:42");
                try (Lease lease = lock.acquire(Duration.ofSeconds(10))) {  // waits up to 10 s
                    lease.onLost((l, why) -> System.err.println("lost the lock: " + why));
                    store.write("orders:42", "shipped", lease.fencingToken());
                }                                                          // released here
                if (lock.tryLock()) {                                      // or as a java.util.concurrent.locks.Lock
                    try { store.write("orders:42", "billed", lock.currentLease().orElseThrow().fencingToken()); }
                    finally { lock.unlock(); }
                }
            }
            // README-EXAMPLE-END
            // spotless:on
            assertThat(store.tokens).hasSize(2);
            assertThat(store.tokens.get(1)).isGreaterThan(store.tokens.get(0));
        }
    }

    @Test
    void theReadmeShowsThisExample() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/dlock/redis/ReadmeExampleIT.java"));
        Matcher inTest = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(test);
        assertThat(inTest.find()).isTrue();
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(normalize(readme)).contains(normalize(inTest.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
