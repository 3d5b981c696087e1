/**
 * Spring Integration on dlock: {@link io.dlock.spring.integration.DlockLockRegistry} is a
 * {@code LockRegistry} and {@code RenewableLockRegistry} over any dlock backend, for
 * {@code LockRegistryLeaderInitiator}, aggregators, idempotent receivers and
 * {@code executeLocked}.
 */
@NullMarked
package io.dlock.spring.integration;

import org.jspecify.annotations.NullMarked;
