package io.dlock.torture;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Fault#CLIENT_CUT_OFF}: freezes a worker's traffic for the fault's length. Where the
 * servers keep sessions (ZooKeeper), also checks that they really expired the worker's sessions
 * before letting its traffic through again; a session that survives is a failure of the fault.
 */
final class ClientCutOff implements FaultInjector {

    /** How long to look for the worker's sessions (it may be reconnecting). */
    private static final Duration SESSION_SEARCH = Duration.ofSeconds(5);

    private static final Duration POLL = Duration.ofMillis(50);

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        int worker = planned.target();
        LockCluster cluster = run.cluster();
        Set<String> sessions = Set.of();
        long searchUntil = System.nanoTime() + SESSION_SEARCH.toNanos();
        while (cluster.keepsSessions() && sessions.isEmpty() && System.nanoTime() - searchUntil < 0) {
            sessions = cluster.sessionsOf(worker);
            if (sessions.isEmpty()) {
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
        if (cluster.keepsSessions() && sessions.isEmpty()) {
            run.fail("CLIENT_CUT_OFF of worker " + worker + ": no ZooKeeper session of it found within "
                    + SESSION_SEARCH.toSeconds() + " s, so its expiry cannot be checked");
        }
        long start = System.nanoTime();
        cluster.network().cutOff(worker);
        try {
            FaultRun.parkFor(planned.length().toNanos());
            for (String session : sessions) {
                // The servers expire a silent session after the session timeout (rounded up to the
                // next tick), but a new leader, elected after an earlier fault, starts every
                // session's timeout afresh: give them up to four more session timeouts.
                long deadline =
                        System.nanoTime() + cluster.lease().multipliedBy(4).toNanos();
                boolean known = cluster.knowsSession(session);
                while (known && System.nanoTime() - deadline < 0) {
                    LockSupport.parkNanos(POLL.toNanos());
                    known = cluster.knowsSession(session);
                }
                if (known) {
                    run.fail("CLIENT_CUT_OFF of worker " + worker + ": its session " + session + " was still known to"
                            + " the servers " + FaultRun.millis(System.nanoTime() - start) + " after it was cut off:"
                            + " not expired");
                } else {
                    run.note("session " + session + " expired on the servers (gone by "
                            + FaultRun.millis(System.nanoTime() - start) + ")");
                }
            }
        } finally {
            cluster.network().reconnect(worker);
        }
        return "worker " + worker;
    }
}
