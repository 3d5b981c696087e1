package io.dlock.bench;

import io.dlock.servers.ZooKeeperServer;

/** Packets a ZooKeeper server has received so far: every client request is one. */
final class ZooKeeperPackets {

    private final ZooKeeperServer server;

    ZooKeeperPackets(ZooKeeperServer server) {
        this.server = server;
    }

    long received() {
        String prefix = "zk_packets_received";
        return server.fourLetterWord("mntr")
                .lines()
                .filter(line -> line.startsWith(prefix))
                .mapToLong(
                        line -> Long.parseLong(line.substring(prefix.length()).trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + prefix + " in mntr"));
    }
}
