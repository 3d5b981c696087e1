package io.dlock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.shedlock.CurrentLock;
import io.dlock.shedlock.DlockLockProvider;
import io.dlock.spring.integration.DlockLockRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

/** ShedLock's provider and Spring Integration's registry on the auto-configured client, on a real Redis. */
class DlockIntegrationsAutoConfigurationIT {

    static RedisServer server;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DlockAutoConfiguration.class,
                    DlockShedLockAutoConfiguration.class,
                    DlockLockRegistryAutoConfiguration.class));

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void shedLocksTasksLockTheClientsLocks() {
        runner.withPropertyValues("dlock.uri=" + server.uri()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LockProvider.class);
            LockProvider provider = context.getBean(LockProvider.class);
            assertThat(provider).isInstanceOf(DlockLockProvider.class);
            LockClient client = context.getBean(LockClient.class);
            Optional<SimpleLock> taken = provider.lock(
                    new LockConfiguration(Instant.now(), "boot:task", Duration.ofSeconds(30), Duration.ZERO));
            assertThat(taken).isPresent();
            long token = CurrentLock.fencingToken();
            assertThat(client.inspect("boot:task").holder().orElseThrow().fencingToken())
                    .isEqualTo(token);
            assertThat(provider.lock(
                            new LockConfiguration(Instant.now(), "boot:task", Duration.ofSeconds(30), Duration.ZERO)))
                    .as("a second run while the first holds")
                    .isEmpty();
            taken.get().unlock();
            assertThat(client.inspect("boot:task").isHeld()).isFalse();
        });
    }

    @Test
    void theRegistrysLocksAreTheClientsLocks() {
        runner.withPropertyValues("dlock.uri=" + server.uri()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LockRegistry.class);
            DlockLockRegistry registry = context.getBean(DlockLockRegistry.class);
            LockClient client = context.getBean(LockClient.class);
            Lock lock = registry.obtain("boot:registry");
            lock.lock();
            try {
                Lease lease = registry.currentLease("boot:registry").orElseThrow();
                assertThat(client.inspect("boot:registry")
                                .holder()
                                .orElseThrow()
                                .fencingToken())
                        .isEqualTo(lease.fencingToken());
            } finally {
                lock.unlock();
            }
            assertThat(client.inspect("boot:registry").isHeld()).isFalse();
        });
    }

    @Test
    void eachBacksOffForTheApplicationsOwn() {
        runner.withPropertyValues("dlock.uri=" + server.uri())
                .withUserConfiguration(OwnProviderAndRegistry.class)
                .run(context -> {
                    assertThat(context)
                            .hasNotFailed()
                            .hasSingleBean(LockProvider.class)
                            .hasSingleBean(LockRegistry.class)
                            .doesNotHaveBean(DlockLockProvider.class)
                            .doesNotHaveBean(DlockLockRegistry.class);
                    assertThat(context.getBean(LockRegistry.class)).isInstanceOf(DefaultLockRegistry.class);
                });
    }

    @Test
    void eachNeedsItsFrameworkOnTheClassPath() {
        runner.withPropertyValues("dlock.uri=" + server.uri())
                .withClassLoader(new FilteredClassLoader(LockProvider.class, LockRegistry.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(LockClient.class)
                        .doesNotHaveBean(DlockLockProvider.class)
                        .doesNotHaveBean(DlockLockRegistry.class));
    }

    @Test
    void withoutAClientNeitherIsMade() {
        runner.withPropertyValues("dlock.enabled=false").run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(LockProvider.class)
                .doesNotHaveBean(LockRegistry.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProviderAndRegistry {
        @Bean
        LockProvider ownProvider() {
            return configuration -> Optional.empty();
        }

        @Bean
        DefaultLockRegistry ownRegistry() {
            return new DefaultLockRegistry();
        }
    }
}
