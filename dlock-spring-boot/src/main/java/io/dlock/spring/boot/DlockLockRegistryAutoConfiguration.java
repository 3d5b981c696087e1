package io.dlock.spring.boot;

import io.dlock.LockClient;
import io.dlock.spring.integration.DlockLockRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Auto-configuration of Spring Integration's {@link LockRegistry} as a {@link DlockLockRegistry}
 * over the application's {@link LockClient}, when Spring Integration is on the class path.
 * Backs off when the application defines its own {@code LockRegistry}.
 */
@AutoConfiguration(after = DlockAutoConfiguration.class)
@ConditionalOnClass({LockRegistry.class, DlockLockRegistry.class})
@ConditionalOnBean(LockClient.class)
public final class DlockLockRegistryAutoConfiguration {

    DlockLockRegistryAutoConfiguration() {}

    /** The registry, taking its locks from {@code client}. */
    @Bean
    @ConditionalOnMissingBean(LockRegistry.class)
    DlockLockRegistry dlockLockRegistry(LockClient client) {
        return new DlockLockRegistry(client);
    }
}
