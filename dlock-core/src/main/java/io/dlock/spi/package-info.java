/**
 * The service provider interface a lock backend implements: it answers the engine's questions,
 * and owns nothing hard.
 *
 * <p>A backend starts {@linkplain io.dlock.spi.Acquisition acquisitions} of
 * {@linkplain io.dlock.spi.LockRequest requests} (a name, permits of a capacity, a mode), answers
 * each attempt with a {@linkplain io.dlock.spi.AttemptResult result}, watches for changes after a
 * denial, releases, renews in batches where its server expires leases
 * ({@link io.dlock.spi.RenewingBackend}) and inspects. Everything else (waiting with a deadline,
 * backoff, "denied, watch, try once more", reentrancy, renewal scheduling, loss signalling, input
 * checks) lives once in the engine of {@code io.dlock}. A backend never sleeps, polls or retries.
 */
@NullMarked
package io.dlock.spi;

import org.jspecify.annotations.NullMarked;
