package io.dlock.examples.plain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A counter in a file that refuses anyone whose fencing token is lower than one it has seen:
 * the storage a lock protects, checking the tokens itself so that a holder whose lease ran out
 * (paused, cut off) cannot overwrite the work of the next. Reads are fenced as writes are, so a
 * stale holder's read-modify-write cannot interleave with a newer holder's.
 *
 * <p>The file holds one line, {@code <highest token> <counter>}. Each read or write holds the
 * operating system's lock on the file for its own duration only, so processes on this machine
 * can share it; the counter's increment as a whole is protected by the dlock lock alone.
 */
final class FencedFile {

    private final Path file;

    FencedFile(Path file) {
        this.file = file;
    }

    /**
     * Reads the counter under {@code fencingToken}.
     *
     * @throws StaleTokenException if a higher token has been seen
     */
    long read(long fencingToken) {
        return update(fencingToken, false, 0);
    }

    /**
     * Writes the counter under {@code fencingToken}.
     *
     * @throws StaleTokenException if a higher token has been seen
     */
    void write(long fencingToken, long counter) {
        update(fencingToken, true, counter);
    }

    private long update(long fencingToken, boolean write, long counter) {
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.lock(); // the whole file, for this operation: closing the channel releases it
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            channel.read(buffer, 0);
            String[] state =
                    new String(buffer.array(), StandardCharsets.US_ASCII).trim().split(" ", -1);
            long highest = state.length == 2 ? Long.parseLong(state[0]) : 0;
            long stored = state.length == 2 ? Long.parseLong(state[1]) : 0;
            if (fencingToken < highest) {
                throw new StaleTokenException("fencing token " + fencingToken + " is lower than " + highest + ", which "
                        + file + " has seen: a newer holder has the lock");
            }
            long value = write ? counter : stored;
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((fencingToken + " " + value + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }

    /** A read or write refused because its fencing token is stale. */
    static final class StaleTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleTokenException(String message) {
            super(message);
        }
    }
}
