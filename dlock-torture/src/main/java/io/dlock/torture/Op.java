package io.dlock.torture;

import java.util.Objects;

/**
 * One operation of one worker thread, as recorded in the history: what it did to which lock,
 * when it started and ended on {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, so
 * comparable across the processes of one machine), and how it came out.
 *
 * @param process the worker thread, e.g. {@code w2.t1}; its operations are sequential
 * @param lock the lock name
 * @param kind what was done
 * @param outcome how it came out
 * @param start when the call was made, in nanoseconds
 * @param end when it returned, in nanoseconds
 * @param token the fencing token involved; 0 for a failed acquisition
 * @param value the counter value read or written; 0 where none
 */
public record Op(
        String process, String lock, Kind kind, Outcome outcome, long start, long end, long token, long value) {

    /** What an operation did. */
    public enum Kind {
        /** Acquired (or failed to acquire) a lock. */
        ACQUIRE,
        /** Read the protected counter through the fenced store. */
        READ,
        /** Wrote the incremented counter through the fenced store. */
        WRITE,
        /**
         * What the lease said while held: {@link io.dlock.Lease#isValid()} sampled every few milliseconds
         * from the acquisition to the write. {@code start}: the first sample; {@code end}: the
         * last sample that found it valid; {@code value}: 1 if any sample did, else 0;
         * {@code outcome}: the last sample's answer.
         */
        CHECK,
        /** Released the lock. */
        RELEASE
    }

    /** How an operation came out. */
    public enum Outcome {
        /** Done: acquired, read, written, released. */
        OK,
        /** Not acquired within the wait. */
        TIMEOUT,
        /** The lock service could not be reached. */
        UNAVAILABLE,
        /** Any other failure. */
        ERROR,
        /** The fenced store refused a token lower than one it had seen. */
        REJECTED,
        /** {@link Kind#CHECK}: the lease was valid at the last sample. */
        VALID,
        /** {@link Kind#CHECK}: the lease was no longer valid at the last sample; {@link Kind#RELEASE}: lease-lost on release. */
        LOST
    }

    /** Checks the values. */
    public Op {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** This operation as one tab-separated line, the history file format. */
    public String toLine() {
        return String.join(
                "\t",
                process,
                lock,
                kind.name(),
                outcome.name(),
                Long.toString(start),
                Long.toString(end),
                Long.toString(token),
                Long.toString(value));
    }

    /**
     * Reads a line written by {@link #toLine()}.
     *
     * @throws IllegalArgumentException if the line is not one
     */
    public static Op parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 8) {
            throw new IllegalArgumentException("not a history line: " + line);
        }
        return new Op(
                fields[0],
                fields[1],
                Kind.valueOf(fields[2]),
                Outcome.valueOf(fields[3]),
                Long.parseLong(fields[4]),
                Long.parseLong(fields[5]),
                Long.parseLong(fields[6]),
                Long.parseLong(fields[7]));
    }
}
