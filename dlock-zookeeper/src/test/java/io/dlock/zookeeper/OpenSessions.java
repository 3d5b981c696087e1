package io.dlock.zookeeper;

import io.dlock.servers.ZooKeeperServer;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sessions connected to a set of servers now, as the servers list them (the four-letter
 * word {@code cons}): the sessions of clients that are open. A closed client's session is
 * closed, and a crashed one's connection is gone although the session lives until it expires.
 */
final class OpenSessions {

    private static final Pattern SESSION = Pattern.compile("sid=0x([0-9a-f]+)");

    private OpenSessions() {}

    /** The ids of the sessions connected to any of {@code servers} that are serving. */
    static Set<Long> on(List<ZooKeeperServer> servers) {
        Set<Long> sessions = new HashSet<>();
        for (ZooKeeperServer server : servers) {
            String connections;
            try {
                connections = server.isRunning() ? server.fourLetterWord("cons") : "";
            } catch (UncheckedIOException e) {
                continue; // stopped or paused: it has no clients now
            }
            Matcher found = SESSION.matcher(connections);
            while (found.find()) {
                sessions.add(Long.parseUnsignedLong(found.group(1), 16));
            }
        }
        return sessions;
    }
}
