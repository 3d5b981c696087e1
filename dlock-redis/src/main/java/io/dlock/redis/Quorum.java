package io.dlock.redis;

/**
 * The majority rule of a Redlock set: of {@code nodes} independent masters, {@code nodes / 2 +
 * 1} must agree. Any two majorities share a node, which is what mutual exclusion and the
 * fencing-token argument rest on.
 */
record Quorum(int nodes) {

    Quorum {
        if (nodes < 1) {
            throw new IllegalArgumentException("Redlock needs at least one node");
        }
    }

    /** How many nodes make a majority. */
    int needed() {
        return nodes / 2 + 1;
    }

    /** True once {@code against} answers that are not votes for make a majority impossible. */
    boolean impossible(int against) {
        return against > nodes - needed();
    }
}
