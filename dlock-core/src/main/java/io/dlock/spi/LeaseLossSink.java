package io.dlock.spi;

/**
 * Where a backend reports, on its own initiative, that a held lock is gone (a ZooKeeper session
 * expired, a connection was suspended). Renewal refusals need no report: the engine sees them.
 */
@FunctionalInterface
public interface LeaseLossSink {

    /**
     * Marks every lease the owner holds on {@code name} as lost and tells its listeners.
     * Unknown owners are ignored. Thread-safe and non-blocking.
     *
     * @param reason a sentence for humans saying why, without credentials
     */
    void lost(String name, String owner, String reason);
}
