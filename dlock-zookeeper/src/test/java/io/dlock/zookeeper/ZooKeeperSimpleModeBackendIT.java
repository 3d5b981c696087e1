package io.dlock.zookeeper;

/** The ZooKeeper backend in simple mode (one ephemeral node, no queue) passes the contract too. */
class ZooKeeperSimpleModeBackendIT extends ZooKeeperBackendIT {

    @Override
    String parameters() {
        return super.parameters() + "&mode=simple";
    }
}
