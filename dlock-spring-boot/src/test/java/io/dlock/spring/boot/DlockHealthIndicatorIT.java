package io.dlock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.servers.RedisServer;
import io.dlock.servers.ZooKeeperServer;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/** The {@code dlock} health indicator reports each backend's real state: servers up, killed, back. */
class DlockHealthIndicatorIT {

    static final Duration WITHIN = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(DlockAutoConfiguration.class, DlockHealthContributorAutoConfiguration.class));

    private static HealthIndicator indicator(ApplicationContext context) {
        return context.getBean("dlockHealthContributor", HealthIndicator.class);
    }

    /** Polls until the indicator reports {@code status}, returning that report. */
    private static Health awaitStatus(HealthIndicator indicator, Status status) {
        AtomicReference<Health> last = new AtomicReference<>();
        try {
            Poll.until("health " + status, WITHIN, () -> {
                last.set(indicator.health());
                return last.get().getStatus().equals(status);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last report: " + last.get(), e);
        }
        return last.get();
    }

    @Test
    void redisIsUpWhileTheServerAnswersAndDownWithTheReasonWhenItDoes() {
        try (RedisServer server = RedisServer.start()) {
            runner.withPropertyValues("dlock.uri=" + server.uri()).run(context -> {
                HealthIndicator indicator = indicator(context);
                Health up = indicator.health();
                assertThat(up.getStatus()).isEqualTo(Status.UP);
                assertThat(up.getDetails()).containsEntry("backend", "redis").containsKey("server");
                assertThat(up.getDetails().get("server").toString()).contains(Integer.toString(server.port()));

                server.kill();
                Health down = awaitStatus(indicator, Status.DOWN);
                assertThat(down.getDetails()).containsEntry("backend", "redis");
                assertThat(down.getDetails().get("error").toString()).contains(Integer.toString(server.port()));

                server.restart();
                awaitStatus(indicator, Status.UP);
            });
        }
    }

    @Test
    void redlockReportsItsUsableNodesAndIsDownBelowAMajority() {
        List<RedisServer> nodes = List.of(RedisServer.start(), RedisServer.start(), RedisServer.start());
        try {
            String uri = "redlock://"
                    + String.join(
                            ",", nodes.stream().map(RedisServer::hostAndPort).toList());
            runner.withPropertyValues("dlock.uri=" + uri).run(context -> {
                HealthIndicator indicator = indicator(context);
                Health all = indicator.health();
                assertThat(all.getStatus()).isEqualTo(Status.UP);
                assertThat(all.getDetails())
                        .containsEntry("backend", "redlock")
                        .containsEntry("usableNodes", "3/3")
                        .containsEntry("majority", "2");

                nodes.get(0).kill();
                AtomicReference<Health> two = new AtomicReference<>();
                Poll.until("2/3 usable nodes", WITHIN, () -> {
                    two.set(indicator.health());
                    return "2/3".equals(two.get().getDetails().get("usableNodes"));
                });
                assertThat(two.get().getStatus()).isEqualTo(Status.UP);

                nodes.get(1).kill();
                Health down = awaitStatus(indicator, Status.DOWN);
                assertThat(down.getDetails()).containsEntry("usableNodes", "1/3");
            });
        } finally {
            nodes.forEach(RedisServer::close);
        }
    }

    @Test
    void zooKeeperReportsItsSessionAndIsDownWhenDisconnected() {
        try (ZooKeeperServer server = ZooKeeperServer.standalone()) {
            runner.withPropertyValues("dlock.uri=zk://" + server.hostAndPort() + "/boot-health")
                    .run(context -> {
                        HealthIndicator indicator = indicator(context);
                        Health up = awaitStatus(indicator, Status.UP);
                        assertThat(up.getDetails())
                                .containsEntry("backend", "zookeeper")
                                .containsEntry("state", "connected")
                                .containsKey("session");
                        assertThat(up.getDetails().get("session").toString())
                                .startsWith("0x")
                                .isNotEqualTo("0x0");

                        server.kill();
                        Health down = awaitStatus(indicator, Status.DOWN);
                        assertThat(down.getDetails()).containsEntry("state", "disconnected");
                    });
        }
    }

    @Test
    void offWhenDisabledReplacedOrWithoutHealthSupport() {
        try (RedisServer server = RedisServer.start()) {
            runner.withPropertyValues("dlock.uri=" + server.uri(), "management.health.dlock.enabled=false")
                    .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("dlockHealthContributor"));
            HealthIndicator own = () -> Health.up().build();
            runner.withPropertyValues("dlock.uri=" + server.uri())
                    .withBean("dlockHealthIndicator", HealthIndicator.class, () -> own)
                    .run(context -> assertThat(context)
                            .hasNotFailed()
                            .doesNotHaveBean("dlockHealthContributor")
                            .getBean("dlockHealthIndicator")
                            .isSameAs(own));
            runner.withPropertyValues("dlock.uri=" + server.uri())
                    .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                    .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("dlockHealthContributor"));
        }
    }
}
