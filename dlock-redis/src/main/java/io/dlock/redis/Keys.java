package io.dlock.redis;

/**
 * Redis key names of a lock. The name sits in a hash tag ({@code {…}}) so that every key of one
 * lock maps to one Redis Cluster slot and single-lock scripts also run on a cluster.
 */
final class Keys {

    private Keys() {}

    /** The hash holding the owner and its fencing token, present while the lock is held. */
    static String lock(String name) {
        return "dlock:{" + name + "}";
    }

    /** The fencing counter: the last token granted, remembered for a while after each grant. */
    static String fencingCounter(String name) {
        return "dlock:{" + name + "}:token";
    }

    /** The pub/sub channel a release is announced on. */
    static String releaseChannel(String name) {
        return "dlock:{" + name + "}:released";
    }
}
