package io.dlock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.micrometer.DlockMetrics;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** dlock's meters in the registry Spring Boot makes, with nothing wired by hand, on a real Redis. */
class DlockMetricsAutoConfigurationIT {

    static RedisServer server;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    DlockAutoConfiguration.class));

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void acquisitionsAndReleasesAreRecordedInBootsRegistry() {
        runner.withPropertyValues("dlock.uri=" + server.uri()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DlockMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            LockClient client = context.getBean(LockClient.class);
            try (Lease lease = client.lock("boot:metrics").acquire(Duration.ofSeconds(10))) {
                assertThat(lease.isValid()).isTrue();
                Poll.until(
                        "one lease held",
                        Duration.ofSeconds(10),
                        () -> registry.get("dlock.leases.held")
                                        .tags("backend", "redis")
                                        .gauge()
                                        .value()
                                == 1.0);
            }
            Poll.until("the release recorded", Duration.ofSeconds(10), () -> {
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
            assertThat(registry.get("dlock.leases.held").gauge().value()).isZero();
            assertThat(registry.find("dlock.acquisitions").tagKeys("lock").timer())
                    .isNull();
        });
    }

    @Test
    void lockNamesAreTagsOnlyWhenAskedFor() {
        runner.withPropertyValues("dlock.uri=" + server.uri(), "dlock.metrics.lock-name-tags=true")
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    try (Lease lease = context.getBean(LockClient.class)
                            .lock("boot:tagged")
                            .acquire(Duration.ofSeconds(10))) {
                        assertThat(lease.isValid()).isTrue();
                        Poll.until(
                                "the acquisition recorded with its lock's name",
                                Duration.ofSeconds(10),
                                () -> registry.find("dlock.acquisitions")
                                                .tags("lock", "boot:tagged", "outcome", "acquired")
                                                .timer()
                                        != null);
                    }
                });
    }

    @Test
    void theApplicationsOwnDlockMetricsAreUsedInstead() {
        DlockMetrics own = DlockMetrics.withLockNameTags();
        runner.withPropertyValues("dlock.uri=" + server.uri())
                .withBean(DlockMetrics.class, () -> own)
                .run(context -> {
                    assertThat(context)
                            .hasNotFailed()
                            .getBean(DlockMetrics.class)
                            .isSameAs(own);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    try (Lease lease =
                            context.getBean(LockClient.class).lock("boot:own").acquire(Duration.ofSeconds(10))) {
                        assertThat(lease.isValid()).isTrue();
                        Poll.until(
                                "the acquisition recorded by the application's own DlockMetrics",
                                Duration.ofSeconds(10),
                                () -> registry.find("dlock.acquisitions")
                                                .tags("lock", "boot:own")
                                                .timer()
                                        != null);
                    }
                });
    }

    @Test
    void noMetersWithoutARegistry() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DlockAutoConfiguration.class))
                .withPropertyValues("dlock.uri=" + server.uri())
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(LockClient.class)
                        .doesNotHaveBean(DlockMetrics.class));
    }
}
