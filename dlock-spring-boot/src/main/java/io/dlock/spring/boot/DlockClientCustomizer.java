package io.dlock.spring.boot;

import io.dlock.LockClient;

/**
 * Changes the auto-configured {@link LockClient} before it is built, for options that have no
 * property (a callback executor, say). Declare one or more as beans; they run in their
 * {@code @Order}, after the {@code dlock.*} properties are applied.
 */
@FunctionalInterface
public interface DlockClientCustomizer {

    /** Sets options on {@code builder}; must not build it. */
    void customize(LockClient.Builder builder);
}
