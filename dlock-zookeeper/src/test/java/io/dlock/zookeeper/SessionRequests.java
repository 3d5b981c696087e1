package io.dlock.zookeeper;

import io.dlock.testkit.ZooKeeperServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the requests one session sent to a server, as the server saw them: the id of the last
 * request it received from the session (its {@code lcxid} in the four-letter word {@code cons}).
 * A client numbers its requests one by one; heartbeats and other housekeeping packets are not
 * numbered, so the difference of two readings is the number of requests sent in between.
 */
final class SessionRequests {

    private final ZooKeeperServer server;
    private final Pattern connection;

    SessionRequests(ZooKeeperServer server, long sessionId) {
        this.server = server;
        this.connection = Pattern.compile("sid=0x" + Long.toHexString(sessionId) + ",.*?lcxid=0x([0-9a-f]+)");
    }

    /** The id of the last request the server received from the session. */
    long lastRequestId() {
        String connections = server.fourLetterWord("cons");
        Matcher found = connection.matcher(connections);
        if (!found.find()) {
            throw new IllegalStateException("session not connected to " + server + ":\n" + connections);
        }
        return Long.parseLong(found.group(1), 16);
    }
}
