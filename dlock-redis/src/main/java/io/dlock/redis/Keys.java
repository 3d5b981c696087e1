package io.dlock.redis;

/**
 * Redis key names of one lock. The name sits in a hash tag ({@code {…}}) so that every key of one
 * lock maps to one Redis Cluster slot and single-lock scripts also run on a cluster. An
 * acquisition computes them once and uses them for every attempt and its release.
 *
 * @param lock the hash holding the owner and its fencing token, present while the lock is held
 * @param fencingCounter the last token granted, remembered for a while after each grant
 */
record Keys(String lock, String fencingCounter) {

    /** The keys of the lock {@code name}. */
    static Keys of(String name) {
        String lock = lock(name);
        return new Keys(lock, lock + ":token");
    }

    /** The hash of the lock {@code name}. */
    static String lock(String name) {
        return "dlock:{" + name + "}";
    }

    /**
     * The pub/sub channel a release is announced on; release.lua derives it from the lock's key
     * the same way. Made when asked: an uncontended acquisition never needs it.
     */
    String releaseChannel() {
        return lock + ":released";
    }
}
