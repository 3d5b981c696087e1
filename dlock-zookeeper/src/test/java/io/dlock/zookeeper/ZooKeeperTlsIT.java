package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.testkit.RedisServer;
import io.dlock.testkit.TlsMaterial;
import io.dlock.testkit.ZooKeeperServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zks://} locks through a server's secure client port, with a self-signed certificate
 * made by the JDK's keytool for 127.0.0.1 ({@link TlsMaterial}) and a trust store holding it.
 */
class ZooKeeperTlsIT {

    @TempDir
    Path stores;

    @Test
    void locksWorkOverTheSecureClientPort() throws Exception {
        TlsMaterial tls = TlsMaterial.create(stores);
        int securePort = RedisServer.freePort();
        try (ZooKeeperServer server = ZooKeeperServer.standalone(Map.of(
                "secureClientPort", Integer.toString(securePort),
                "serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location", tls.keyStore().toString(),
                "ssl.keyStore.password", tls.password(),
                "ssl.trustStore.location", tls.trustStore().toString(),
                "ssl.trustStore.password", tls.password(),
                "ssl.clientAuth", "none"))) {
            String uri = "zks://127.0.0.1:" + securePort + "/tls?sessionTimeout=4s&trustStore=" + tls.trustStore()
                    + "&trustStorePassword=" + tls.password();
            try (LockClient client = LockClient.connect(uri);
                    Lease lease = client.lock("over-tls").acquire(Duration.ofSeconds(10))) {
                assertThat(lease.isValid()).isTrue();
                assertThat(client.inspect("over-tls").holder().orElseThrow().owner()).isEqualTo(lease.owner());
            }
        }
    }
}
