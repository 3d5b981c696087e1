/**
 * dlock: distributed locks with fencing tokens, one API over Redis, Redlock and ZooKeeper.
 *
 * <p>Start with {@link io.dlock.LockClient}: {@code LockClient.connect(uri).lock(name)} gives a
 * {@link io.dlock.DistributedLock}, whose {@link io.dlock.Lease}s carry the fencing token and
 * report their loss. Everything not public here is the engine: the wait loop, the watchdog and
 * the lost-lease signalling shared by every backend.
 */
@NullMarked
package io.dlock;

import org.jspecify.annotations.NullMarked;
