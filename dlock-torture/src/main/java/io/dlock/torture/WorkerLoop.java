package io.dlock.torture;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LeaseLostException;
import io.dlock.LockClient;
import io.dlock.LockTimeoutException;
import io.dlock.torture.Op.Kind;
import io.dlock.torture.Op.Outcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One worker thread's cycle, repeated until the stop time: acquire a random lock, read its
 * counter through the fenced store, hold for a random time (the window a pause or a lost lease
 * hits), write the counter plus one, release. Meanwhile it samples {@link Lease#isValid()}
 * every few milliseconds, to record until when the library told it that it held the lock.
 * Every step is an {@link Op} in this thread's history file.
 *
 * <p>The holder checks nothing between its read and its write on purpose: it models a client
 * that took the lock, then computed, then wrote; a stale holder is stopped by the store's token
 * check, which is what the suite measures.
 *
 * <p>Failures of the lock service are recorded and the loop goes on; anything else (the fenced
 * store failing, a bug) ends the thread with the exception, after recording it as an
 * {@link Outcome#ERROR} where it hit a store operation and releasing the lock it held.
 */
final class WorkerLoop implements Runnable {

    private static final Duration BACKOFF_WHEN_UNAVAILABLE = Duration.ofMillis(50);
    private static final Duration MAX_PAUSE_BETWEEN_CYCLES = Duration.ofMillis(10);
    private static final long SAMPLE_NANOS = Duration.ofMillis(5).toNanos();

    private final WorkerConfig config;
    private final String process;
    private final LockClient client;
    private final SplittableRandom random;
    private final AtomicBoolean stop;

    WorkerLoop(WorkerConfig config, int thread, LockClient client, AtomicBoolean stop) {
        this.stop = stop;
        this.config = config;
        this.process = "w" + config.id() + ".t" + thread;
        this.client = client;
        this.random = new SplittableRandom(config.seed() * 31 + thread);
    }

    @Override
    public void run() {
        try (BufferedWriter history =
                        Files.newBufferedWriter(config.historyDir().resolve(process + ".tsv"), StandardCharsets.UTF_8);
                FencedStoreClient store =
                        new FencedStoreClient(config.storePort(), process, config.mode() != WorkerMode.NO_FENCING)) {
            while (System.nanoTime() - config.stopAt() < 0 && !stop.get()) {
                cycle(history, store, WorkerConfig.lockName(random.nextInt(config.locks())));
                LockSupport.parkNanos(random.nextLong(MAX_PAUSE_BETWEEN_CYCLES.toNanos() + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history of " + process, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cycle(BufferedWriter history, FencedStoreClient store, String lock)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Lease lease;
        try {
            lease = client.lock(lock).acquire(config.acquireWait());
        } catch (LockTimeoutException e) {
            record(history, new Op(process, lock, Kind.ACQUIRE, Outcome.TIMEOUT, start, System.nanoTime(), 0, 0));
            return;
        } catch (BackendUnavailableException e) {
            record(history, new Op(process, lock, Kind.ACQUIRE, Outcome.UNAVAILABLE, start, System.nanoTime(), 0, 0));
            log("acquire", lock, e);
            LockSupport.parkNanos(BACKOFF_WHEN_UNAVAILABLE.toNanos());
            return;
        } catch (RuntimeException e) {
            record(history, new Op(process, lock, Kind.ACQUIRE, Outcome.ERROR, start, System.nanoTime(), 0, 0));
            log("acquire", lock, e);
            LockSupport.parkNanos(BACKOFF_WHEN_UNAVAILABLE.toNanos());
            return;
        }
        long token = lease.fencingToken();
        record(history, new Op(process, lock, Kind.ACQUIRE, Outcome.OK, start, System.nanoTime(), token, 0));
        ValiditySamples validity = new ValiditySamples(lease);
        try {
            readModifyWrite(history, store, lock, token, validity);
        } finally {
            // Also when the store failed: the lock must not stay held (and renewed) for the rest of the run.
            record(history, validity.toOp(process, lock, token));
            release(history, lock, lease);
        }
    }

    private void readModifyWrite(
            BufferedWriter history, FencedStoreClient store, String lock, long token, ValiditySamples validity)
            throws IOException {
        long readStart = System.nanoTime();
        FencedStoreClient.Reply read =
                storeOp(history, lock, Kind.READ, token, readStart, () -> store.read(lock, token));
        record(
                history,
                new Op(
                        process,
                        lock,
                        Kind.READ,
                        read.accepted() ? Outcome.OK : Outcome.REJECTED,
                        readStart,
                        System.nanoTime(),
                        token,
                        read.value()));
        validity.sample();
        if (read.accepted()) {
            hold(validity);
            long writeStart = System.nanoTime();
            FencedStoreClient.Reply write = storeOp(
                    history, lock, Kind.WRITE, token, writeStart, () -> store.write(lock, token, read.value() + 1));
            record(
                    history,
                    new Op(
                            process,
                            lock,
                            Kind.WRITE,
                            write.accepted() ? Outcome.OK : Outcome.REJECTED,
                            writeStart,
                            System.nanoTime(),
                            token,
                            read.value() + 1));
            validity.sample();
        }
    }

    /**
     * Runs one store operation; if it fails (the store is never faulted, so that is the
     * harness's failure), records it as an {@link Outcome#ERROR} and rethrows: the thread dies
     * and {@link TortureWorker} exits non-zero, which fails the run.
     */
    private FencedStoreClient.Reply storeOp(
            BufferedWriter history,
            String lock,
            Kind kind,
            long token,
            long start,
            Supplier<FencedStoreClient.Reply> op)
            throws IOException {
        try {
            return op.get();
        } catch (RuntimeException e) {
            record(history, new Op(process, lock, kind, Outcome.ERROR, start, System.nanoTime(), token, 0));
            throw e;
        }
    }

    /** Holds for a random time, sampling the lease's validity; does not act on what it finds. */
    private void hold(ValiditySamples validity) {
        long until = System.nanoTime() + holdNanos();
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(Math.min(left, SAMPLE_NANOS));
            validity.sample();
        }
    }

    /** What a lease said about itself over one critical section. */
    private static final class ValiditySamples {
        private final Lease lease;
        private final long first;
        private long lastValid;
        private boolean everValid;
        private boolean lastAnswer;

        ValiditySamples(Lease lease) {
            this.lease = lease;
            this.first = System.nanoTime();
            this.lastValid = first;
            sample();
        }

        void sample() {
            long now = System.nanoTime();
            lastAnswer = lease.isValid();
            if (lastAnswer) {
                everValid = true;
                lastValid = now;
            }
        }

        Op toOp(String process, String lock, long token) {
            return new Op(
                    process,
                    lock,
                    Kind.CHECK,
                    lastAnswer ? Outcome.VALID : Outcome.LOST,
                    first,
                    lastValid,
                    token,
                    everValid ? 1 : 0);
        }
    }

    private void release(BufferedWriter history, String lock, Lease lease) throws IOException {
        long start = System.nanoTime();
        Outcome outcome;
        try {
            lease.close();
            outcome = Outcome.OK;
        } catch (LeaseLostException e) {
            outcome = Outcome.LOST;
        } catch (BackendUnavailableException e) {
            outcome = Outcome.UNAVAILABLE;
            log("release", lock, e);
        } catch (RuntimeException e) {
            outcome = Outcome.ERROR;
            log("release", lock, e);
        }
        record(
                history,
                new Op(process, lock, Kind.RELEASE, outcome, start, System.nanoTime(), lease.fencingToken(), 0));
    }

    /** One line in the worker's log (kept with {@code -Ddlock.torture.keep=DIR}), for diagnosing failures. */
    private void log(String what, String lock, RuntimeException e) {
        System.err.println(System.nanoTime() + " " + process + " " + what + " " + lock + ": " + e);
    }

    private long holdNanos() {
        long min = config.holdMin().toNanos();
        return min + random.nextLong(config.holdMax().toNanos() - min + 1);
    }

    private static void record(BufferedWriter history, Op op) throws IOException {
        history.write(op.toLine());
        history.newLine();
        history.flush();
    }
}
