package io.dlock.zookeeper;

import io.dlock.servers.ZooKeeperEnsemble;
import io.dlock.servers.ZooKeeperServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The ZooKeeper backend passes the contract against a 3-server ensemble; its restart is a
 * kill -9 of every server and a start from their disks.
 */
class ZooKeeperEnsembleBackendIT extends ZooKeeperContract {

    static ZooKeeperEnsemble ensemble;
    static ZooKeeperTree tree;

    @BeforeAll
    static void startEnsemble() {
        ensemble = ZooKeeperEnsemble.start(3);
        tree = new ZooKeeperTree(ensemble.connectString());
    }

    @AfterAll
    static void stopEnsemble() {
        if (tree != null) {
            tree.close();
        }
        ensemble.close();
    }

    @Override
    List<ZooKeeperServer> servers() {
        return ensemble.servers();
    }

    @Override
    ZooKeeperTree tree() {
        return tree;
    }

    @Override
    protected void restartServers() {
        ensemble.restartAll();
    }
}
