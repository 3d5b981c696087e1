package io.dlock.zookeeper;

/**
 * What a suspended connection (ZooKeeper's Disconnected) means for the locks this client holds.
 * Whatever the policy, a lock is reported lost before its session can have expired at the
 * servers, and when the session is found expired; and whatever the connection says, when the
 * leader's confirmation of the session runs out ({@link LeaderConfirmation}).
 */
enum SuspendPolicy {
    /**
     * Every held lock is reported lost as soon as the connection is suspended, and its node is
     * deleted once the connection is back (if the session survived). Safest: a holder never
     * works on while its session is in doubt. Costs the lock on every brief disconnection,
     * including a failover to another server.
     */
    LOSE,
    /**
     * Held locks stay valid for a grace period of a quarter of the negotiated session timeout
     * after the suspension; if the same session is back by then nothing is reported, otherwise
     * every held lock is reported lost. The client notices a silent connection after two thirds
     * of the session timeout, so the server cannot expire the session sooner than a third of it
     * after the suspension; the grace leaves a twelfth of the session timeout for the last
     * heartbeat's round trip and for event delivery. Locks survive a failover when the client
     * notices the suspension at once (its server died or dropped it); when the connection goes
     * silent instead, the leader's confirmation runs out before the client suspends it.
     */
    GRACE
}
