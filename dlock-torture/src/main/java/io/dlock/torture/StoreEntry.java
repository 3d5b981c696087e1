package io.dlock.torture;

/**
 * One operation the fenced store carried out or refused, in the order the store saw them (its
 * own log, written by the same Lua script that checks the token).
 *
 * @param write true for a write, false for a read
 * @param token the token presented
 * @param process the worker thread that sent it
 * @param value the value read or written
 * @param accepted false when the store refused the token
 */
public record StoreEntry(boolean write, long token, String process, long value, boolean accepted) {

    /**
     * Reads an entry of the store's log: {@code read|write <token> <process> <value> ok|rejected}.
     *
     * @throws IllegalArgumentException if the entry is malformed
     */
    public static StoreEntry parse(String entry) {
        String[] fields = entry.split(" ", -1);
        if (fields.length != 5) {
            throw new IllegalArgumentException("not a store log entry: " + entry);
        }
        return new StoreEntry(
                fields[0].equals("write"),
                Long.parseLong(fields[1]),
                fields[2],
                Long.parseLong(fields[3]),
                fields[4].equals("ok"));
    }
}
