/**
 * The service provider interface a lock backend implements: round trips only.
 *
 * <p>A backend acquires ({@link io.dlock.spi.Acquisition}), renews, releases and inspects; it
 * reports whether its server expires leases ({@link io.dlock.spi.BackendCapabilities}) and
 * wakes waiters when a lock changes. Everything else (waiting with a deadline, backoff,
 * reentrancy, renewal scheduling, lost-lease signalling, input checks) lives once in the
 * engine of {@code io.dlock}. A backend never sleeps and never retries.
 */
package io.dlock.spi;
