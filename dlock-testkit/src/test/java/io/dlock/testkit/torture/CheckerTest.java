package io.dlock.testkit.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.testkit.torture.Op.Kind;
import io.dlock.testkit.torture.Op.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: it passes a clean one and flags each kind of violation. */
class CheckerTest {

    private static final String LOCK = "torture-0";

    /** A history and store log built cycle by cycle, times in milliseconds. */
    private static final class Run {
        final List<Op> history = new ArrayList<>();
        final List<StoreEntry> log = new ArrayList<>();
        long counter;

        /** One complete cycle whose lease stays valid throughout. */
        Run cycle(String process, long token, long from, long to, boolean fenced) {
            return cycle(process, token, from, to, to, fenced);
        }

        /**
         * One complete cycle: acquire ending at {@code from}, release starting at {@code to},
         * the lease sampled valid until {@code validUntil}.
         */
        Run cycle(String process, long token, long from, long to, long validUntil, boolean fenced) {
            history.add(op(process, Kind.ACQUIRE, Outcome.OK, from - 1, from, token, 0));
            long read = counter;
            boolean readAccepted = !fenced || log.stream().filter(StoreEntry::accepted)
                    .allMatch(e -> e.token() <= token);
            log.add(new StoreEntry(false, token, process, readAccepted ? read : 0, readAccepted));
            history.add(op(process, Kind.READ, readAccepted ? Outcome.OK : Outcome.REJECTED, from, from, token, read));
            if (readAccepted) {
                boolean writeAccepted = !fenced || log.stream().filter(StoreEntry::accepted)
                        .allMatch(e -> e.token() <= token);
                log.add(new StoreEntry(true, token, process, writeAccepted ? read + 1 : 0, writeAccepted));
                if (writeAccepted) {
                    counter = read + 1;
                }
                history.add(op(process, Kind.WRITE, writeAccepted ? Outcome.OK : Outcome.REJECTED, to - 1, to - 1,
                        token, read + 1));
            }
            history.add(op(process, Kind.CHECK, validUntil >= to ? Outcome.VALID : Outcome.LOST, from, validUntil,
                    token, 1));
            history.add(op(process, Kind.RELEASE, Outcome.OK, to, to + 1, token, 0));
            return this;
        }

        CheckResult check() {
            return Checker.check(history, Map.of(LOCK, log), Map.of(LOCK, counter), List.of());
        }
    }

    private static Op op(String process, Kind kind, Outcome outcome, long startMs, long endMs, long token, long value) {
        return new Op(process, LOCK, kind, outcome, startMs * 1_000_000, endMs * 1_000_000, token, value);
    }

    @Test
    void aCleanHistoryPasses() {
        CheckResult result = new Run().cycle("a", 1, 10, 20, true).cycle("b", 2, 30, 40, true)
                .cycle("a", 3, 50, 60, true).check();
        assertThat(result.overlaps()).isZero();
        assertThat(result.staleWritesAccepted()).isZero();
        assertThat(result.tokenViolations()).isZero();
        assertThat(result.counterAnomalies()).isZero();
        assertThat(result.acquired()).isEqualTo(3);
        assertThat(result.examples()).isEmpty();
    }

    @Test
    void twoValidLeasesAtOnceAreAViolation() {
        CheckResult result = new Run().cycle("a", 1, 10, 50, true).cycle("b", 2, 30, 40, true).check();
        assertThat(result.overlaps()).isEqualTo(1);
        assertThat(result.validOverlaps()).isEqualTo(1);
        assertThat(result.examples()).anyMatch(e -> e.contains("still had a valid lease"));
    }

    @Test
    void anOverlapWithAHolderWhoseLeaseAlreadySaidLostIsCountedApart() {
        CheckResult result = new Run().cycle("a", 1, 10, 50, 25, true).cycle("b", 2, 30, 40, true).check();
        assertThat(result.overlaps()).isEqualTo(1);
        assertThat(result.validOverlaps()).isZero();
    }

    @Test
    void aHolderToldOfItsLossOnlyAfterTheNextGrantIsAViolation() {
        CheckResult result = new Run().cycle("a", 1, 10, 50, 35, true).cycle("b", 2, 30, 40, true).check();
        assertThat(result.validOverlaps()).isEqualTo(1);
    }

    @Test
    void sectionsThatOnlyTouchDoNotOverlap() {
        CheckResult result = new Run().cycle("a", 1, 10, 30, true).cycle("b", 2, 30, 40, true).check();
        assertThat(result.overlaps()).isZero();
    }

    @Test
    void aTokenNotAboveAnEarlierGrantIsFlagged() {
        CheckResult result = new Run().cycle("a", 5, 10, 20, true).cycle("b", 5, 30, 40, false)
                .cycle("a", 4, 50, 60, false).check();
        assertThat(result.tokenViolations()).isEqualTo(3); // b repeats 5, a's 4 is below 5, and 5 is granted twice
    }

    @Test
    void staleWritesAndLostIncrementsWithoutFencingAreFlagged() {
        Run run = new Run();
        run.history.add(op("a", Kind.ACQUIRE, Outcome.OK, 0, 1, 1, 0));
        run.history.add(op("b", Kind.ACQUIRE, Outcome.OK, 2, 3, 2, 0));
        run.log.add(new StoreEntry(false, 1, "a", 0, true));
        run.log.add(new StoreEntry(false, 2, "b", 0, true));
        run.log.add(new StoreEntry(true, 2, "b", 1, true));
        run.log.add(new StoreEntry(true, 1, "a", 1, true));
        run.counter = 1;
        CheckResult result = run.check();
        assertThat(result.staleWritesAccepted()).isEqualTo(1);
        assertThat(result.counterAnomalies()).isEqualTo(1);
    }

    @Test
    void rejectedStaleOperationsAreCountedNotFlagged() {
        Run run = new Run().cycle("a", 2, 10, 20, true).cycle("b", 1, 30, 40, 30, true);
        CheckResult result = run.check();
        assertThat(result.staleRejected()).isEqualTo(1);
        assertThat(result.staleWritesAccepted()).isZero();
        assertThat(result.counterAnomalies()).isZero();
    }

    @Test
    void aCounterThatDisagreesWithTheLogIsFlagged() {
        Run run = new Run().cycle("a", 1, 10, 20, true);
        run.counter = 5;
        assertThat(run.check().counterAnomalies()).isEqualTo(1);
    }

    @Test
    void historyLinesRoundTrip() {
        Op op = op("w1.t0", Kind.WRITE, Outcome.REJECTED, 5, 6, 1_700_000_000_000_000L, 42);
        assertThat(Op.parse(op.toLine())).isEqualTo(op);
        assertThat(StoreEntry.parse("write 00000000000000000042 w1.t0 7 ok"))
                .isEqualTo(new StoreEntry(true, 42, "w1.t0", 7, true));
    }
}
