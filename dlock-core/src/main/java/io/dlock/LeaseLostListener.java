package io.dlock;

/** Told once when a lease ends before its holder released it. */
@FunctionalInterface
public interface LeaseLostListener {

    /**
     * Called once, on the client's callback executor, when {@code lease} is lost.
     *
     * @param reason why, in a sentence for logs and humans
     */
    void leaseLost(Lease lease, String reason);
}
