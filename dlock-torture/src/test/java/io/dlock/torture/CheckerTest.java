package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.torture.Op.Kind;
import io.dlock.torture.Op.Outcome;
import java.time.Duration;
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
            boolean readAccepted =
                    !fenced || log.stream().filter(StoreEntry::accepted).allMatch(e -> e.token() <= token);
            log.add(new StoreEntry(false, token, process, readAccepted ? read : 0, readAccepted));
            history.add(op(process, Kind.READ, readAccepted ? Outcome.OK : Outcome.REJECTED, from, from, token, read));
            if (readAccepted) {
                boolean writeAccepted =
                        !fenced || log.stream().filter(StoreEntry::accepted).allMatch(e -> e.token() <= token);
                log.add(new StoreEntry(true, token, process, writeAccepted ? read + 1 : 0, writeAccepted));
                if (writeAccepted) {
                    counter = read + 1;
                }
                history.add(op(
                        process,
                        Kind.WRITE,
                        writeAccepted ? Outcome.OK : Outcome.REJECTED,
                        to - 1,
                        to - 1,
                        token,
                        read + 1));
            }
            history.add(op(
                    process, Kind.CHECK, validUntil >= to ? Outcome.VALID : Outcome.LOST, from, validUntil, token, 1));
            history.add(op(process, Kind.RELEASE, Outcome.OK, to, to + 1, token, 0));
            return this;
        }

        CheckResult check() {
            return check(List.of());
        }

        CheckResult check(List<FaultEvent> faults) {
            return Checker.check(history, Map.of(LOCK, log), Map.of(LOCK, counter), faults);
        }
    }

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    private static Op op(String process, Kind kind, Outcome outcome, long startMs, long endMs, long token, long value) {
        return new Op(process, LOCK, kind, outcome, startMs * 1_000_000, endMs * 1_000_000, token, value);
    }

    @Test
    void aCleanHistoryPasses() {
        CheckResult result = new Run()
                .cycle("a", 1, 10, 20, true)
                .cycle("b", 2, 30, 40, true)
                .cycle("a", 3, 50, 60, true)
                .check();
        assertThat(result.overlaps()).isZero();
        assertThat(result.staleWritesAccepted()).isZero();
        assertThat(result.tokenViolations()).isZero();
        assertThat(result.counterAnomalies()).isZero();
        assertThat(result.acquired()).isEqualTo(3);
        assertThat(result.examples()).isEmpty();
    }

    @Test
    void twoValidLeasesAtOnceAreAViolation() {
        CheckResult result = new Run()
                .cycle("a", 1, 10, 50, true)
                .cycle("b", 2, 30, 40, true)
                .check();
        assertThat(result.overlaps()).isEqualTo(1);
        assertThat(result.validOverlaps()).isEqualTo(1);
        assertThat(result.staleHolders()).isEqualTo(1);
        assertThat(result.staleHoldersTold()).isZero();
        assertThat(result.examples()).anyMatch(e -> e.contains("still had a valid lease"));
    }

    @Test
    void anOverlapWithAHolderWhoseLeaseAlreadySaidLostIsCountedApart() {
        CheckResult result = new Run()
                .cycle("a", 1, 10, 50, 25, true)
                .cycle("b", 2, 30, 40, true)
                .check();
        assertThat(result.overlaps()).isEqualTo(1);
        assertThat(result.validOverlaps()).isZero();
        assertThat(result.staleHolders()).isEqualTo(1);
        assertThat(result.staleHoldersTold()).as("its last sample said lost").isEqualTo(1);
    }

    @Test
    void aStaleHolderToldOnlyByItsRefusedReleaseCountsAsTold() {
        Run run = new Run().cycle("a", 1, 10, 50, true).cycle("b", 2, 30, 40, true);
        Op release = run.history.get(4);
        run.history.set(
                4,
                new Op(
                        release.process(),
                        release.lock(),
                        Kind.RELEASE,
                        Outcome.LOST,
                        release.start(),
                        release.end(),
                        release.token(),
                        0));
        CheckResult result = run.check();
        assertThat(result.validOverlaps()).isEqualTo(1);
        assertThat(result.staleHolders()).isEqualTo(1);
        assertThat(result.staleHoldersTold()).isEqualTo(1);
    }

    @Test
    void aStaleHolderNeverToldIsNotCountedAsTold() {
        CheckResult result = new Run()
                .cycle("a", 1, 10, 50, true)
                .cycle("b", 2, 30, 40, true)
                .cycle("c", 3, 35, 45, true)
                .check();
        assertThat(result.overlaps()).isEqualTo(3); // a-b, a-c, b-c
        assertThat(result.staleHolders()).as("a and b each overran once").isEqualTo(2);
        assertThat(result.staleHoldersTold()).isZero();
    }

    @Test
    void eachFaultGetsItsTimeToRecoverAndTheLongestIsTheMax() {
        Run run = new Run()
                .cycle("a", 1, 10, 20, true)
                .cycle("b", 2, 30, 40, true)
                .cycle("a", 3, 80, 90, true);
        FaultEvent early = new FaultEvent(Fault.SERVER_PAUSE, "redis:1", ms(12), ms(25), "");
        FaultEvent late = new FaultEvent(Fault.SERVER_CRASH, "redis:1", ms(45), ms(50), "");
        FaultEvent last = new FaultEvent(Fault.LATENCY, "all", ms(85), ms(88), "");
        CheckResult result = run.check(List.of(early, late, last));
        assertThat(result.recoveries())
                .containsExactly(
                        new Recovery(early, Duration.ofMillis(5), true),
                        new Recovery(late, Duration.ofMillis(30), true),
                        new Recovery(
                                last, Duration.ofMillis(3), false)); // nothing granted after it: to the history's end
        assertThat(result.maxRecovery()).isEqualTo(Duration.ofMillis(30));
        assertThat(result.faults()).isEqualTo(3);
    }

    @Test
    void withoutFaultsThereIsNoRecovery() {
        CheckResult result = new Run().cycle("a", 1, 10, 20, true).check();
        assertThat(result.recoveries()).isEmpty();
        assertThat(result.maxRecovery()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theLongestOutageIsTheWidestGapWithoutAGrantFromTheFirstOperationToTheLast() {
        // grants end at 10, 30 and 80; the history runs from 9 to 91
        CheckResult inner = new Run()
                .cycle("a", 1, 10, 20, true)
                .cycle("b", 2, 30, 40, true)
                .cycle("a", 3, 80, 90, true)
                .check();
        assertThat(inner.longestOutage()).isEqualTo(Duration.ofMillis(50));
        // a long tail without grants counts too: grants end at 10 and 30, the last operation at 200
        Run tail = new Run().cycle("a", 1, 10, 20, true).cycle("b", 2, 30, 40, true);
        tail.history.add(op("a", Kind.ACQUIRE, Outcome.TIMEOUT, 41, 200, 0, 0));
        assertThat(tail.check().longestOutage()).isEqualTo(Duration.ofMillis(170));
    }

    @Test
    void aHolderToldOfItsLossOnlyAfterTheNextGrantIsAViolation() {
        CheckResult result = new Run()
                .cycle("a", 1, 10, 50, 35, true)
                .cycle("b", 2, 30, 40, true)
                .check();
        assertThat(result.validOverlaps()).isEqualTo(1);
    }

    @Test
    void sectionsThatOnlyTouchDoNotOverlap() {
        CheckResult result = new Run()
                .cycle("a", 1, 10, 30, true)
                .cycle("b", 2, 30, 40, true)
                .check();
        assertThat(result.overlaps()).isZero();
    }

    @Test
    void aTokenNotAboveAnEarlierGrantIsFlagged() {
        CheckResult result = new Run()
                .cycle("a", 5, 10, 20, true)
                .cycle("b", 5, 30, 40, false)
                .cycle("a", 4, 50, 60, false)
                .check();
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
