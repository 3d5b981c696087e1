package io.dlock.spring.boot;

import io.dlock.LockClient;
import io.dlock.LockListener;
import io.dlock.micrometer.DlockMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of a dlock {@link LockClient} from the {@code dlock.*} properties
 * ({@link DlockProperties}), closed when the application context closes. With a Micrometer
 * {@code MeterRegistry} bean, the client's {@link DlockMetrics} are its listener and bound to that
 * registry. Backs off when the application defines its own {@code LockClient}, and when
 * {@code dlock.enabled} is false.
 *
 * <p>The client is given every {@link LockListener} bean (each told of every event) and then
 * every {@link DlockClientCustomizer} bean. The backend is found by the URI's scheme: put
 * {@code dlock-redis} or {@code dlock-zookeeper} on the class path.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass(LockClient.class)
@ConditionalOnBooleanProperty(name = "dlock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DlockProperties.class)
public final class DlockAutoConfiguration {

    /** The password in a URI's user info, up to the '@' (several nodes: each has its own). */
    private static final Pattern PASSWORD = Pattern.compile("(://[^:@/,]*:)[^@/,]*@");

    DlockAutoConfiguration() {}

    /**
     * The client, connected to {@code dlock.uri} with the options set.
     *
     * @throws InvalidConfigurationPropertyValueException naming the property when {@code dlock.uri}
     *     is unset or an option is out of range
     * @throws IllegalArgumentException naming the problem when the URI is malformed, its scheme has
     *     no backend on the class path, or the options contradict each other
     * @throws io.dlock.BackendUnavailableException if the lock service cannot be reached
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    LockClient dlockClient(
            DlockProperties properties,
            ObjectProvider<LockListener> listeners,
            ObjectProvider<DlockClientCustomizer> customizers) {
        String uri = properties.getUri();
        if (uri == null || uri.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    "dlock.uri",
                    uri,
                    "set it to the lock service, such as redis://localhost:6379 (or define a LockClient bean)");
        }
        LockClient.Builder builder = LockClient.builder(uri.strip());
        options(builder, properties);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // The URI, its scheme, or options that contradict each other or the backend's.
            throw new IllegalArgumentException(
                    "dlock: cannot create a LockClient for dlock.uri " + redact(uri) + ": " + e.getMessage(), e);
        }
    }

    private static void options(LockClient.Builder builder, DlockProperties properties) {
        Duration lease = properties.getDefaultLease();
        if (lease != null) {
            option("dlock.default-lease", lease, () -> builder.defaultLease(lease));
        }
        Duration maxRetryDelay = properties.getMaxRetryDelay();
        if (maxRetryDelay != null) {
            option("dlock.max-retry-delay", maxRetryDelay, () -> builder.maxRetryDelay(maxRetryDelay));
        }
        DlockProperties.ClockDrift drift = properties.getClockDrift();
        Double factor = drift.getFactor();
        Duration minimum = drift.getMinimum();
        if (factor == null && minimum == null) {
            return;
        }
        if (factor == null || minimum == null) {
            String missing = factor == null ? "dlock.clock-drift.factor" : "dlock.clock-drift.minimum";
            throw new InvalidConfigurationPropertyValueException(
                    missing,
                    null,
                    "set dlock.clock-drift.factor and"
                            + " dlock.clock-drift.minimum together, or neither (the client's defaults are 0.01 and 2ms)");
        }
        option("dlock.clock-drift", factor + " and " + minimum, () -> builder.clockDrift(factor, minimum));
    }

    /** Applies one option, naming its property when the builder refuses the value. */
    private static void option(String property, Object value, Runnable apply) {
        try {
            apply.run();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
        }
    }

    /** {@code uri} without passwords, for messages. */
    static String redact(String uri) {
        return PASSWORD.matcher(uri).replaceAll("$1***@");
    }

    /** The client's meters, when the application has a Micrometer registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, DlockMetrics.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {

        /**
         * The client's listener that records its meters; give it to a {@code LockClient} you
         * define yourself.
         */
        @Bean
        @ConditionalOnMissingBean
        DlockMetrics dlockMetrics(DlockProperties properties) {
            return properties.getMetrics().isLockNameTags() ? DlockMetrics.withLockNameTags() : DlockMetrics.create();
        }

        /** Spring Boot binds every {@code MeterBinder} bean to its registry once the context is up. */
        @Bean
        MeterBinder dlockMeterBinder(DlockMetrics metrics, LockClient client) {
            return metrics.binder(client);
        }
    }
}
