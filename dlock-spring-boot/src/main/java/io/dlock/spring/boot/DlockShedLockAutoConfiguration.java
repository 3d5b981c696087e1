package io.dlock.spring.boot;

import io.dlock.LockClient;
import io.dlock.shedlock.DlockLockProvider;
import net.javacrumbs.shedlock.core.LockProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of ShedLock's {@link LockProvider} as a {@link DlockLockProvider} over the
 * application's {@link LockClient}, when ShedLock is on the class path: {@code @SchedulerLock}
 * tasks then lock through dlock (with {@code @EnableSchedulerLock} from {@code shedlock-spring}).
 * Backs off when the application defines its own {@code LockProvider}.
 */
@AutoConfiguration(after = DlockAutoConfiguration.class)
@ConditionalOnClass({LockProvider.class, DlockLockProvider.class})
@ConditionalOnBean(LockClient.class)
public final class DlockShedLockAutoConfiguration {

    DlockShedLockAutoConfiguration() {}

    /** ShedLock's provider, taking its locks from {@code client}. */
    @Bean
    @ConditionalOnMissingBean(LockProvider.class)
    DlockLockProvider dlockLockProvider(LockClient client) {
        return new DlockLockProvider(client);
    }
}
