/**
 * ShedLock on dlock: {@link io.dlock.shedlock.DlockLockProvider} makes any dlock backend the lock
 * behind {@code @SchedulerLock}, and {@link io.dlock.shedlock.CurrentLock} gives the running task
 * its fencing token.
 */
@NullMarked
package io.dlock.shedlock;

import org.jspecify.annotations.NullMarked;
