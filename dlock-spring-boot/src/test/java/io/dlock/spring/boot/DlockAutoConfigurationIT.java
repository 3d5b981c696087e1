package io.dlock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockListener;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The {@code LockClient} bean from {@code dlock.*} properties, on a real Redis. */
class DlockAutoConfigurationIT {

    static RedisServer server;

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DlockAutoConfiguration.class));

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void theClientLocksOnTheServerNamedByTheUriAndReleasesWhenTheContextCloses() throws Exception {
        try (LockClient outside = LockClient.connect(server.uri())) {
            runner.withPropertyValues("dlock.uri=" + server.uri()).run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(LockClient.class);
                LockClient client = context.getBean(LockClient.class);
                assertThat(client.backendKind()).isEqualTo("redis");
                Lease lease = client.lock("boot:closed-at-shutdown").acquire(Duration.ofSeconds(10));
                assertThat(outside.inspect("boot:closed-at-shutdown")
                                .holder()
                                .orElseThrow()
                                .fencingToken())
                        .isEqualTo(lease.fencingToken());
            });
            // The context closed the client, which released what it held: no one waits a lease.
            assertThat(outside.inspect("boot:closed-at-shutdown").isHeld()).isFalse();
            assertThat(outside.lock("boot:closed-at-shutdown").tryAcquire(Duration.ZERO))
                    .isPresent();
        }
    }

    @Test
    void theClientIsClosedWithTheContext() {
        List<LockClient> seen = new ArrayList<>();
        runner.withPropertyValues("dlock.uri=" + server.uri())
                .run(context -> seen.add(context.getBean(LockClient.class)));
        assertThatThrownBy(() -> seen.get(0).lock("boot:after-close"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void theOptionsReachTheClient() {
        // Validity right after the grant: lease - lease * factor - minimum = 10 s - 4 s - 1 s.
        runner.withPropertyValues(
                        "dlock.uri=" + server.uri(),
                        "dlock.default-lease=10s",
                        "dlock.clock-drift.factor=0.4",
                        "dlock.clock-drift.minimum=1s",
                        "dlock.max-retry-delay=50ms")
                .run(context -> {
                    LockClient client = context.getBean(LockClient.class);
                    try (Lease lease = client.lock("boot:options").acquire(Duration.ofSeconds(10))) {
                        assertThat(lease.remaining()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
                    }
                });
        runner.withPropertyValues("dlock.uri=" + server.uri()).run(context -> {
            LockClient client = context.getBean(LockClient.class);
            try (Lease lease = client.lock("boot:defaults").acquire(Duration.ofSeconds(10))) {
                // The client's defaults: 30 s less 1% and 2 ms.
                assertThat(lease.remaining()).isBetween(Duration.ofSeconds(28), Duration.ofMillis(29_698));
            }
        });
    }

    @Test
    void aMissingUriIsNamed() {
        runner.run(context -> assertThat(context)
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("dlock.uri")
                .hasMessageContaining("redis://localhost:6379"));
    }

    @Test
    void anOptionOutOfRangeIsNamedWithItsProperty() {
        runner.withPropertyValues("dlock.uri=" + server.uri(), "dlock.max-retry-delay=1h")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("dlock.max-retry-delay")
                        .hasMessageContaining("between 1ms and 10m"));
        runner.withPropertyValues("dlock.uri=" + server.uri(), "dlock.default-lease=1ms")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("dlock.default-lease")
                        .hasMessageContaining("lease must be at least"));
        runner.withPropertyValues("dlock.uri=" + server.uri(), "dlock.clock-drift.factor=0.02")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("dlock.clock-drift.minimum")
                        .hasMessageContaining("together"));
    }

    @Test
    void aBadUriIsRefusedWithTheReasonAndWithoutItsPassword() {
        runner.withPropertyValues("dlock.uri=nosuch://user:secret-pw@localhost:1")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasRootCauseInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("dlock.uri nosuch://user:***@localhost:1")
                        .hasMessageContaining("no dlock backend for scheme 'nosuch'")
                        .hasMessageNotContaining("secret-pw"));
        runner.withPropertyValues("dlock.uri=" + server.uri() + "?nosuchoption=1")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("unknown URI parameter 'nosuchoption'"));
    }

    @Test
    void anUnreachableServerFailsTheStartNamingIt() {
        int nothingListens = RedisServer.freePort();
        runner.withPropertyValues("dlock.uri=redis://127.0.0.1:" + nothingListens)
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasMessageContaining("redis://127.0.0.1:" + nothingListens + " unreachable")
                        .satisfies(failure -> assertThat(causes(failure))
                                .hasAtLeastOneElementOfType(BackendUnavailableException.class)));
    }

    @Test
    void backsOffForTheApplicationsOwnClientAndWhenDisabled() {
        runner.withPropertyValues("dlock.uri=redis://127.0.0.1:1")
                .withUserConfiguration(OwnClient.class)
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(LockClient.class)
                        .hasBean("ownClient"));
        runner.withPropertyValues("dlock.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LockClient.class));
    }

    @Test
    void listenerBeansHearTheClientAndCustomizersRunInOrder() {
        runner.withPropertyValues("dlock.uri=" + server.uri())
                .withUserConfiguration(ListenersAndCustomizers.class)
                .run(context -> {
                    ListenersAndCustomizers beans = context.getBean(ListenersAndCustomizers.class);
                    LockClient client = context.getBean(LockClient.class);
                    try (Lease lease = client.lock("boot:listeners").acquire(Duration.ofSeconds(10))) {
                        assertThat(lease.fencingToken()).isPositive();
                    }
                    // A listener may hear of an event just after the call returned.
                    Poll.until(
                            "both listeners heard the acquisition",
                            Duration.ofSeconds(10),
                            () -> beans.first.contains("acquired boot:listeners")
                                    && beans.second.contains("acquired boot:listeners"));
                    assertThat(beans.customized).containsExactly("early", "late");
                });
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        @Bean(destroyMethod = "close")
        LockClient ownClient() {
            return LockClient.connect(server.uri());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenersAndCustomizers {
        final List<String> first = Collections.synchronizedList(new ArrayList<>());
        final List<String> second = Collections.synchronizedList(new ArrayList<>());
        final List<String> customized = Collections.synchronizedList(new ArrayList<>());

        @Bean
        LockListener firstListener() {
            return recorder(first);
        }

        @Bean
        LockListener secondListener() {
            return recorder(second);
        }

        @Bean
        @Order(2)
        DlockClientCustomizer late() {
            return builder -> customized.add("late");
        }

        @Bean
        @Order(1)
        DlockClientCustomizer early() {
            return builder -> customized.add("early");
        }

        private static LockListener recorder(List<String> into) {
            return new LockListener() {
                @Override
                public void acquisitionEnded(String lock, AcquisitionOutcome outcome, Duration waited) {
                    if (outcome == AcquisitionOutcome.ACQUIRED) {
                        into.add("acquired " + lock);
                    }
                }
            };
        }
    }
}
