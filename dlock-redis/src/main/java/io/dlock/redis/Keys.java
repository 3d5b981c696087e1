package io.dlock.redis;

/**
 * Redis key names of one lock. The name sits in a hash tag ({@code {…}}) so that every key of one
 * lock maps to one Redis Cluster slot and single-lock scripts also run on a cluster. An
 * acquisition keeps the lock's key for every attempt and its release, as long as its lease; the
 * other keys are made when asked.
 *
 * @param lock the hash holding the owner and its fencing token, present while the lock is held
 */
record Keys(String lock) {

    /** The keys of the lock {@code name}. */
    static Keys of(String name) {
        return new Keys(lock(name));
    }

    /** The hash of the lock {@code name}. */
    static String lock(String name) {
        return "dlock:{" + name + "}";
    }

    /** The last token granted, remembered for a while after each grant; only attempts need it. */
    String fencingCounter() {
        return lock + ":token";
    }

    /**
     * The pub/sub channel a release is announced on; release.lua derives it from the lock's key
     * the same way. Made when asked: an uncontended acquisition never needs it.
     */
    String releaseChannel() {
        return lock + ":released";
    }
}
