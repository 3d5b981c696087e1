package io.dlock.zookeeper;

import io.dlock.servers.ZooKeeperServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ZooKeeper backend in fair mode passes the contract against a standalone server. */
class ZooKeeperBackendIT extends ZooKeeperContract {

    static ZooKeeperServer server;
    static ZooKeeperTree tree;

    @BeforeAll
    static void startServer() {
        server = ZooKeeperServer.standalone();
        tree = new ZooKeeperTree(server.hostAndPort());
    }

    @AfterAll
    static void stopServer() {
        if (tree != null) {
            tree.close();
        }
        server.close();
    }

    @Override
    List<ZooKeeperServer> servers() {
        return List.of(server);
    }

    @Override
    ZooKeeperTree tree() {
        return tree;
    }

    @Override
    protected void restartServers() {
        server.restart();
    }
}
