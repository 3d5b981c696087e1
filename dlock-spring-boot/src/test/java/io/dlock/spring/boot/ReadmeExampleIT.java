package io.dlock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.servers.RedisServer;
import io.dlock.shedlock.CurrentLock;
import io.dlock.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** The Spring Boot example runs in an application on a real Redis, and is the one on docs/integrations/spring-boot.md. */
class ReadmeExampleIT {

    /** A storage system that records the fencing tokens of its writes, as the example's {@code store}. */
    static final class Store {
        final List<Long> tokens = Collections.synchronizedList(new ArrayList<>());

        void write(String key, long fencingToken) {
            tokens.add(fencingToken);
        }
    }

    /** The application's scheduled task, as the README shows it. */
    static class Reports {
        private final Store store;

        Reports(Store store) {
            this.store = store;
        }

        // spotless:off
        // README-EXAMPLE-START
        @Scheduled(cron = "* * * * * *")
        @SchedulerLock(name = "report", lockAtMostFor = "PT30S", lockAtLeastFor = "PT0.5S")
        void report() {
            store.write("report", CurrentLock.fencingToken());
        }
        // README-EXAMPLE-END
        // spotless:on
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @EnableSchedulerLock(defaultLockAtMostFor = "PT30S")
    static class Application {
        @Bean
        Store store() {
            return new Store();
        }

        @Bean
        Reports reports(Store store) {
            return new Reports(store);
        }
    }

    @Test
    void theExampleRuns() {
        try (RedisServer server = RedisServer.start()) {
            new ApplicationContextRunner()
                    .withConfiguration(
                            AutoConfigurations.of(DlockAutoConfiguration.class, DlockShedLockAutoConfiguration.class))
                    .withUserConfiguration(Application.class)
                    .withPropertyValues("dlock.uri=" + server.uri())
                    .run(context -> {
                        Store store = context.getBean(Store.class);
                        Poll.until("two runs of the report", Duration.ofSeconds(30), () -> store.tokens.size() >= 2);
                        assertThat(store.tokens.get(1))
                                .as("each run's fencing token")
                                .isGreaterThan(store.tokens.get(0));
                    });
        }
    }

    @Test
    void thePageShowsThisExample() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/dlock/spring/boot/ReadmeExampleIT.java"));
        Matcher inTest = Pattern.compile("// README-EXAMPLE-START\\n(.*?)\\n\\s*// README-EXAMPLE-END", Pattern.DOTALL)
                .matcher(test);
        assertThat(inTest.find()).isTrue();
        String page = Files.readString(Path.of("../docs/integrations/spring-boot.md"));
        assertThat(normalize(page)).contains(normalize(inTest.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
