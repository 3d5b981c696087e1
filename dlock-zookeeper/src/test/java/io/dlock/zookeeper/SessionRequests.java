package io.dlock.zookeeper;

import io.dlock.servers.ZooKeeperServer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the requests one session sent to a server, as the server saw them: the id of the last
 * request it received from the session (its {@code lcxid} in the four-letter word {@code cons}),
 * less the syncs the client sends in the background to have the leader confirm its session. A
 * client numbers its requests one by one; heartbeats and other housekeeping packets are not
 * numbered, so the difference of two readings is the number of lock requests sent in between.
 */
final class SessionRequests {

    private static final Duration SETTLING = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(5);

    private final ZooKeeperServer server;
    private final Pattern connection;
    private final LeaderConfirmation syncs;

    SessionRequests(ZooKeeperServer server, long sessionId, LeaderConfirmation syncs) {
        this.server = server;
        this.connection = Pattern.compile("sid=0x" + Long.toHexString(sessionId) + ",.*?lcxid=0x([0-9a-f]+)");
        this.syncs = syncs;
    }

    /**
     * The id of the last request the server received from the session, less the syncs sent so
     * far, read while no sync is on its way (its answer came, so the server saw it).
     */
    long lastRequestId() {
        long deadline = System.nanoTime() + SETTLING.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!syncs.syncing()) {
                long sent = syncs.syncsSent();
                String connections = server.fourLetterWord("cons");
                if (syncs.syncsSent() == sent) { // no sync went out meanwhile
                    return requestId(connections) - sent;
                }
            }
            LockSupport.parkNanos(POLL.toNanos()); // between two polls of the condition
        }
        throw new IllegalStateException(
                "a sync of the session waited for its answer for " + SETTLING.toSeconds() + " s");
    }

    /**
     * As {@link #lastRequestId()}, also while a sync waits for its answer (replies held back): it
     * may have reached the server or not, so the reading may be one short, never over.
     */
    long lastRequestIdAtMost() {
        while (true) {
            long sent = syncs.syncsSent();
            String connections = server.fourLetterWord("cons");
            if (syncs.syncsSent() == sent) {
                return requestId(connections) - sent;
            }
        }
    }

    /** The id of the last request the server received from the session, syncs included. */
    long receivedRequestId() {
        return requestId(server.fourLetterWord("cons"));
    }

    private long requestId(String connections) {
        Matcher found = connection.matcher(connections);
        if (!found.find()) {
            throw new IllegalStateException("session not connected to " + server + ":\n" + connections);
        }
        return Long.parseLong(found.group(1), 16);
    }
}
