package io.dlock.torture;

import java.io.Serializable;
import java.time.Duration;
import java.util.Comparator;
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
 * @param staleHolders critical sections still going on when another process was granted the same
 *     lock: holders that overran their lease (paused, cut off) or whose lock was taken from them
 * @param staleHoldersTold of those, the holders whose lease said it was lost by the end of their
 *     section (the last validity sample, or the release refused as lost): told, as guarantee 4 promises
 * @param staleWritesAccepted writes the store accepted with a token lower than one it had already
 *     seen: must be 0 with fencing
 * @param staleRejected reads and writes the store refused for a lower token: stale holders stopped
 * @param tokenViolations grants whose token was not greater than that of every grant of the same
 *     lock completed before the acquisition started, or that repeated another grant's token
 * @param counterAnomalies accepted writes that did not increment the value the previous accepted
 *     write left: lost or duplicated increments
 * @param faults faults injected
 * @param recoveries each fault's time-to-recover, in the order of the faults
 * @param longestOutage the longest time without a successful acquisition, during the run
 * @param examples the first few violations, described, for debugging
 */
public record CheckResult(
        int operations,
        int attempted,
        int acquired,
        int timedOut,
        int unavailable,
        int errors,
        int overlaps,
        int validOverlaps,
        int staleHolders,
        int staleHoldersTold,
        int staleWritesAccepted,
        int staleRejected,
        int tokenViolations,
        int counterAnomalies,
        int faults,
        List<Recovery> recoveries,
        Duration longestOutage,
        List<String> examples)
        implements Serializable {

    /** Keeps immutable copies of the lists. */
    public CheckResult {
        recoveries = List.copyOf(recoveries);
        examples = List.copyOf(examples);
    }

    /** The longest time-to-recover of any fault; zero without faults. */
    public Duration maxRecovery() {
        return recoveries.stream()
                .map(Recovery::time)
                .max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
    }
}
