/**
 * Spring Boot auto-configuration for dlock: a {@link io.dlock.LockClient} from the {@code dlock.*}
 * properties, and on it ShedLock's {@code LockProvider}, Spring Integration's {@code LockRegistry},
 * an Actuator health indicator and Micrometer meters, each when its framework is on the class path.
 */
@NullMarked
package io.dlock.spring.boot;

import org.jspecify.annotations.NullMarked;
