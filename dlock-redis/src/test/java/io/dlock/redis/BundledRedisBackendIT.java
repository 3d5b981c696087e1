package io.dlock.redis;

import io.dlock.servers.RedisServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same contract against the redis-server bundled in the test kit's Maven dependency (Redis
 * 6.2), which is what runs on a machine with only a JDK.
 */
class BundledRedisBackendIT extends RedisBackendIT {

    @BeforeAll
    static void startServer() {
        server = RedisServer.bundled();
    }
}
