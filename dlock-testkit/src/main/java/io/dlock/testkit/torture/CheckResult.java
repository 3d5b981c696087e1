package io.dlock.testkit.torture;

import java.time.Duration;
import java.util.List;

/**
 * What the {@link Checker} found in one run's history and store log.
 *
 * @param operations operations in the history
 * @param attempted acquisitions attempted
 * @param acquired acquisitions that succeeded
 * @param timedOut acquisitions not granted within their wait
 * @param unavailable acquisitions that failed because the service could not be reached
 * @param errors acquisitions that failed otherwise
 * @param overlaps pairs of critical sections of the same lock held at the same time by two
 *     processes, whatever their leases said
 * @param validOverlaps such pairs where both leases said they were valid at one same moment: a
 *     broken promise of mutual exclusion (an overlap with a holder whose lease already said it
 *     was lost is the case fencing tokens exist for)
 * @param staleWritesAccepted writes the store accepted with a token lower than one it had already
 *     seen: must be 0 with fencing
 * @param staleRejected reads and writes the store refused for a lower token: stale holders stopped
 * @param tokenViolations grants whose token was not greater than that of every grant of the same
 *     lock completed before the acquisition started, or that repeated another grant's token
 * @param counterAnomalies accepted writes that did not increment the value the previous accepted
 *     write left: lost or duplicated increments
 * @param faults faults injected
 * @param maxRecovery the longest time from the end of a fault to the next successful acquisition
 * @param longestOutage the longest time without a successful acquisition, during the run
 * @param examples the first few violations, described, for debugging
 */
public record CheckResult(int operations, int attempted, int acquired, int timedOut, int unavailable, int errors,
        int overlaps, int validOverlaps, int staleWritesAccepted, int staleRejected, int tokenViolations,
        int counterAnomalies, int faults, Duration maxRecovery, Duration longestOutage, List<String> examples) {

    /** Keeps an immutable copy of the examples. */
    public CheckResult {
        examples = List.copyOf(examples);
    }
}
