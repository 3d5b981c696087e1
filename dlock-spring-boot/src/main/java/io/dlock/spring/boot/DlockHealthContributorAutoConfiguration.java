package io.dlock.spring.boot;

import io.dlock.LockClient;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code dlock} health contributor ({@link DlockHealthIndicator}) for
 * each {@link LockClient} bean, when Spring Boot's health support (Actuator) is on the class path.
 * Off with {@code management.health.dlock.enabled=false}; backs off when the application defines
 * a bean named {@code dlockHealthIndicator} or {@code dlockHealthContributor}.
 */
@AutoConfiguration(after = DlockAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(LockClient.class)
@ConditionalOnEnabledHealthIndicator("dlock")
public final class DlockHealthContributorAutoConfiguration
        extends CompositeHealthContributorConfiguration<DlockHealthIndicator, LockClient> {

    DlockHealthContributorAutoConfiguration() {
        super(DlockHealthIndicator::new);
    }

    /** The {@code dlock} contributor: one indicator, or one per client when there are several. */
    @Bean
    @ConditionalOnMissingBean(name = {"dlockHealthIndicator", "dlockHealthContributor"})
    HealthContributor dlockHealthContributor(ConfigurableListableBeanFactory beanFactory) {
        return createContributor(beanFactory, LockClient.class);
    }
}
