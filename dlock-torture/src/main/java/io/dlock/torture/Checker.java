package io.dlock.torture;

import io.dlock.torture.Op.Kind;
import io.dlock.torture.Op.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks a run: the workers' history (critical sections, tokens, availability) and the fenced
 * store's log (stale writes, lost or duplicated increments). Pure computation on recorded data;
 * thread-safe.
 *
 * <p>A critical section runs from the end of its acquisition to the start of its release.
 * Both bounds lie inside the time the server saw the lock held, so two sections of one lock
 * that overlap in time prove that two processes held it at once; the check has no false
 * positives, and all processes share one monotonic clock. An overlap breaks the promise of
 * mutual exclusion when both leases said they were valid at one same moment: each section
 * records the last time its lease was sampled valid, and validity never comes back.
 */
public final class Checker {

    private static final int MAX_EXAMPLES = 5;

    private Checker() {}

    /**
     * Checks one run.
     *
     * @param history every worker operation, each process's operations in the order it made them
     * @param storeLogs the store's log per lock, in the store's order
     * @param counters the store's final counter per lock
     * @param faults the faults the nemesis injected
     * @return the counts of each kind of violation, availability and the first few violations described
     */
    public static CheckResult check(
            List<Op> history,
            Map<String, List<StoreEntry>> storeLogs,
            Map<String, Long> counters,
            List<FaultEvent> faults) {
        List<String> examples = new ArrayList<>();
        List<Section> sections = sections(history);
        Overlaps overlaps = overlaps(sections, examples);
        List<Op> acquisitions =
                history.stream().filter(op -> op.kind() == Kind.ACQUIRE).toList();
        List<Op> granted =
                acquisitions.stream().filter(op -> op.outcome() == Outcome.OK).toList();
        int tokenViolations = tokenViolations(granted, examples);
        int staleAccepted = 0;
        int staleRejected = 0;
        int anomalies = 0;
        for (Map.Entry<String, List<StoreEntry>> log : storeLogs.entrySet()) {
            StoreCheck store =
                    checkStore(log.getKey(), log.getValue(), counters.getOrDefault(log.getKey(), 0L), examples);
            staleAccepted += store.staleAccepted;
            staleRejected += store.rejected;
            anomalies += store.anomalies;
        }
        return new CheckResult(
                history.size(),
                acquisitions.size(),
                granted.size(),
                count(acquisitions, Outcome.TIMEOUT),
                count(acquisitions, Outcome.UNAVAILABLE),
                count(acquisitions, Outcome.ERROR),
                overlaps.all,
                overlaps.bothValid,
                overlaps.staleHolders,
                overlaps.staleHoldersTold,
                staleAccepted,
                staleRejected,
                tokenViolations,
                anomalies,
                faults.size(),
                recoveries(granted, faults, history),
                longestOutage(granted, history),
                examples.subList(0, Math.min(MAX_EXAMPLES, examples.size())));
    }

    /**
     * One process's hold of one lock, as the process saw it.
     *
     * @param validUntil the last moment its lease said it was valid; {@code everValid} false if never
     * @param told whether its lease said it was lost by the end: at the last sample, or at release
     */
    private record Section(
            String process,
            String lock,
            long token,
            long start,
            long end,
            boolean everValid,
            long validUntil,
            boolean told) {}

    private static List<Section> sections(List<Op> history) {
        Map<String, List<Op>> byProcess = new LinkedHashMap<>();
        for (Op op : history) {
            byProcess.computeIfAbsent(op.process(), p -> new ArrayList<>()).add(op);
        }
        List<Section> sections = new ArrayList<>();
        for (List<Op> ops : byProcess.values()) {
            Op acquired = null;
            Op check = null;
            long lastEnd = 0;
            for (Op op : ops) {
                if (op.kind() == Kind.ACQUIRE) {
                    if (acquired != null) {
                        sections.add(section(acquired, lastEnd, check, false));
                    }
                    acquired = op.outcome() == Outcome.OK ? op : null;
                    check = null;
                } else if (acquired != null && op.kind() == Kind.CHECK) {
                    check = op;
                } else if (acquired != null && op.kind() == Kind.RELEASE) {
                    sections.add(section(acquired, op.start(), check, op.outcome() == Outcome.LOST));
                    acquired = null;
                }
                lastEnd = op.end();
            }
            if (acquired != null) {
                sections.add(section(acquired, lastEnd, check, false));
            }
        }
        return sections;
    }

    private static Section section(Op acquired, long end, @Nullable Op check, boolean releaseLost) {
        boolean everValid = check != null && check.value() == 1;
        boolean told = releaseLost || (check != null && check.outcome() == Outcome.LOST);
        long lastValid = check != null && everValid ? check.end() : acquired.end();
        return new Section(
                acquired.process(), acquired.lock(), acquired.token(), acquired.end(), end, everValid, lastValid, told);
    }

    /** The overlapping pairs, those where both leases were valid, and the stale holders among the earlier ones. */
    private record Overlaps(int all, int bothValid, int staleHolders, int staleHoldersTold) {}

    private static Overlaps overlaps(List<Section> sections, List<String> examples) {
        Map<String, List<Section>> byLock = new HashMap<>();
        sections.forEach(
                s -> byLock.computeIfAbsent(s.lock(), l -> new ArrayList<>()).add(s));
        int all = 0;
        int valid = 0;
        int stale = 0;
        int told = 0;
        for (List<Section> ofLock : byLock.values()) {
            ofLock.sort(Comparator.comparingLong(Section::start));
            boolean[] overrun = new boolean[ofLock.size()];
            for (int i = 0; i < ofLock.size(); i++) {
                Section later = ofLock.get(i);
                for (int j = i - 1; j >= 0; j--) {
                    Section earlier = ofLock.get(j);
                    if (earlier.end() - later.start() <= 0 || earlier.process().equals(later.process())) {
                        continue;
                    }
                    all++;
                    if (!overrun[j]) {
                        overrun[j] = true;
                        stale++;
                        told += earlier.told() ? 1 : 0;
                    }
                    // Validity only ends, so both leases said "valid" at one moment exactly when the
                    // later start comes before both last valid samples.
                    if (earlier.everValid()
                            && later.everValid()
                            && earlier.validUntil() - later.start() >= 0
                            && later.validUntil() - later.start() >= 0) {
                        valid++;
                        examples.add(String.format(
                                Locale.ROOT,
                                "overlap on %s: %s (token %d) still had a valid lease %.1f ms after"
                                        + " %s (token %d) acquired",
                                later.lock(),
                                earlier.process(),
                                earlier.token(),
                                (Math.min(earlier.validUntil(), later.validUntil()) - later.start()) / 1e6,
                                later.process(),
                                later.token()));
                    }
                }
            }
        }
        return new Overlaps(all, valid, stale, told);
    }

    private static int tokenViolations(List<Op> granted, List<String> examples) {
        Map<String, List<Op>> byLock = new HashMap<>();
        granted.forEach(
                op -> byLock.computeIfAbsent(op.lock(), l -> new ArrayList<>()).add(op));
        int violations = 0;
        for (List<Op> ofLock : byLock.values()) {
            List<Op> byEnd = new ArrayList<>(ofLock);
            byEnd.sort(Comparator.comparingLong(Op::end));
            List<Op> byStart = new ArrayList<>(ofLock);
            byStart.sort(Comparator.comparingLong(Op::start));
            long maxCompleted = Long.MIN_VALUE;
            Op maxOp = null;
            int next = 0;
            for (Op op : byStart) {
                while (next < byEnd.size() && byEnd.get(next).end() - op.start() < 0) {
                    if (byEnd.get(next).token() > maxCompleted) {
                        maxCompleted = byEnd.get(next).token();
                        maxOp = byEnd.get(next);
                    }
                    next++;
                }
                if (maxOp != null && op.token() <= maxCompleted) {
                    violations++;
                    examples.add("token did not increase on " + op.lock() + ": " + op.process() + " got " + op.token()
                            + " after " + maxOp.process() + " had got " + maxCompleted);
                }
            }
            Map<Long, Integer> seen = new HashMap<>();
            for (Op op : ofLock) {
                if (seen.merge(op.token(), 1, Integer::sum) == 2) {
                    violations++;
                    examples.add("token " + op.token() + " granted twice on " + op.lock());
                }
            }
        }
        return violations;
    }

    private record StoreCheck(int staleAccepted, int rejected, int anomalies) {}

    private static StoreCheck checkStore(String lock, List<StoreEntry> log, long counter, List<String> examples) {
        long highest = Long.MIN_VALUE;
        long lastWritten = 0;
        int staleAccepted = 0;
        int rejected = 0;
        int anomalies = 0;
        for (StoreEntry entry : log) {
            if (!entry.accepted()) {
                rejected++;
                continue;
            }
            if (entry.write()) {
                if (entry.token() < highest) {
                    staleAccepted++;
                    examples.add("stale write accepted on " + lock + ": " + entry.process() + " wrote with token "
                            + entry.token() + " after the store had seen " + highest);
                }
                if (entry.value() != lastWritten + 1) {
                    anomalies++;
                    examples.add("increment lost on " + lock + ": " + entry.process() + " wrote " + entry.value()
                            + " after " + lastWritten);
                }
                lastWritten = entry.value();
            }
            highest = Math.max(highest, entry.token());
        }
        if (counter != lastWritten) {
            anomalies++;
            examples.add("counter of " + lock + " is " + counter + ", the log's last write " + lastWritten);
        }
        return new StoreCheck(staleAccepted, rejected, anomalies);
    }

    private static List<Recovery> recoveries(List<Op> granted, List<FaultEvent> faults, List<Op> history) {
        long lastEnd = history.stream().mapToLong(Op::end).max().orElse(0);
        List<Long> grants = granted.stream().map(Op::end).sorted().toList();
        List<Recovery> recoveries = new ArrayList<>();
        for (FaultEvent fault : faults) {
            long healed = fault.end();
            Optional<Long> firstAfter =
                    grants.stream().filter(end -> end - healed > 0).findFirst();
            recoveries.add(new Recovery(
                    fault, Duration.ofNanos(Math.max(0, firstAfter.orElse(lastEnd) - healed)), firstAfter.isPresent()));
        }
        return recoveries;
    }

    private static Duration longestOutage(List<Op> granted, List<Op> history) {
        long first = history.stream().mapToLong(Op::start).min().orElse(0);
        long lastEnd = history.stream().mapToLong(Op::end).max().orElse(0);
        List<Long> grants = granted.stream().map(Op::end).sorted().toList();
        long previous = first;
        long longest = 0;
        for (long grant : grants) {
            longest = Math.max(longest, grant - previous);
            previous = grant;
        }
        return Duration.ofNanos(Math.max(longest, lastEnd - previous));
    }

    private static int count(List<Op> ops, Outcome outcome) {
        return (int) ops.stream().filter(op -> op.outcome() == outcome).count();
    }
}
