/**
 * What a dlock backend needs to prove itself, whatever its servers: the contract every
 * backend's tests extend ({@link io.dlock.testkit.LockBackendContract}), the in-memory reference
 * backend with a link that can be cut, held and made to lose replies
 * ({@link io.dlock.testkit.InMemoryLockServer}, {@link io.dlock.testkit.FaultyLink}), a backend
 * decorator for deliberately altered backends ({@link io.dlock.testkit.ForwardingLockBackend}),
 * a manual clock for engine tests without sleeping ({@link io.dlock.testkit.ManualTime}), a
 * mutual-exclusion check ({@link io.dlock.testkit.ExclusionCheck}), and polling with deadlines
 * ({@link io.dlock.testkit.Poll}). Real servers to test against are in {@code dlock-servers}.
 *
 * <p>The contract and the manual clock document their own thread safety.
 */
@NullMarked
package io.dlock.testkit;

import org.jspecify.annotations.NullMarked;
