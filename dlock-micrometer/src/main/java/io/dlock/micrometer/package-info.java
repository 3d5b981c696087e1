/**
 * Micrometer meters for dlock: {@link io.dlock.micrometer.DlockMetrics} hears a client's
 * acquisitions, leases and renewals and records them in a {@code MeterRegistry}.
 */
@NullMarked
package io.dlock.micrometer;

import org.jspecify.annotations.NullMarked;
