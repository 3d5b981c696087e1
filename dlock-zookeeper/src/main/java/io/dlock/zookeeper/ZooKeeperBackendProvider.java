package io.dlock.zookeeper;

import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockBackendProvider;
import java.util.Set;

/**
 * Opens the ZooKeeper backend for {@code LockClient.connect(uri)}: {@code zk://} and, with TLS,
 * {@code zks://}. Found by {@link java.util.ServiceLoader}; not called directly. The URI format
 * and its parameters are described in the package documentation.
 */
public final class ZooKeeperBackendProvider implements LockBackendProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public ZooKeeperBackendProvider() {}

    /** {@code zk} and {@code zks}. */
    @Override
    public Set<String> schemes() {
        return Set.of("zk", "zks");
    }

    /**
     * Connects to the ensemble named by {@code uri}.
     *
     * @throws IllegalArgumentException when the URI is malformed, naming the part at fault and
     *     never repeating a password
     * @throws io.dlock.BackendUnavailableException when no server answers within the connection
     *     timeout
     */
    @Override
    public LockBackend open(String uri, BackendContext context) {
        return ZooKeeperBackend.connect(ZooKeeperEndpoint.parse(uri), context);
    }
}
