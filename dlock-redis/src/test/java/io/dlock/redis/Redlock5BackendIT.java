package io.dlock.redis;

import io.dlock.servers.RedisServers;
import org.junit.jupiter.api.BeforeAll;

/** The Redlock backend passes the contract on five masters. */
class Redlock5BackendIT extends RedlockBackendIT {

    @BeforeAll
    static void startServers() {
        servers = RedisServers.start(5);
        awaitQuarantineOver();
    }
}
