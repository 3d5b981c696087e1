package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.servers.TlsMaterial;
import io.dlock.servers.ZooKeeperServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zks://} locks through a server's secure client port, with a self-signed certificate
 * made by the JDK's keytool for 127.0.0.1 ({@link TlsMaterial}) and a trust store holding it;
 * and with client certificates required, where the client shows that same certificate.
 */
class ZooKeeperTlsIT {

    @TempDir
    Path stores;

    @Test
    void locksWorkOverTheSecureClientPort() throws Exception {
        TlsMaterial tls = TlsMaterial.create(stores);
        int securePort = RedisServer.freePort();
        try (ZooKeeperServer server = ZooKeeperServer.standalone(secureConfig(tls, securePort, "none"))) {
            String uri = "zks://127.0.0.1:" + securePort + "/tls?sessionTimeout=4s&trustStore=" + tls.trustStore()
                    + "&trustStorePassword=" + tls.password();
            assertLocksWork(uri);
            assertThat(server.isRunning()).as("the server that served it").isTrue();
        }
    }

    @Test
    void aServerThatWantsClientCertificatesAcceptsTheKeyStoresAndRefusesClientsWithout() throws Exception {
        TlsMaterial tls = TlsMaterial.create(stores);
        int securePort = RedisServer.freePort();
        try (ZooKeeperServer server = ZooKeeperServer.standalone(secureConfig(tls, securePort, "need"))) {
            String trusting = "zks://127.0.0.1:" + securePort + "/tls?sessionTimeout=4s&connectionTimeout=2s"
                    + "&trustStore=" + tls.trustStore() + "&trustStorePassword=" + tls.password();
            assertThatThrownBy(() -> LockClient.connect(trusting))
                    .as("a client without a certificate")
                    .isInstanceOf(BackendUnavailableException.class);
            assertLocksWork(trusting + "&keyStore=" + tls.keyStore() + "&keyStorePassword=" + tls.password());
            assertThat(server.isRunning()).as("the server that served it").isTrue();
        }
    }

    private static Map<String, String> secureConfig(TlsMaterial tls, int securePort, String clientAuth) {
        return Map.of(
                "secureClientPort", Integer.toString(securePort),
                "serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location", tls.keyStore().toString(),
                "ssl.keyStore.password", tls.password(),
                "ssl.trustStore.location", tls.trustStore().toString(),
                "ssl.trustStore.password", tls.password(),
                "ssl.clientAuth", clientAuth);
    }

    private static void assertLocksWork(String uri) throws Exception {
        try (LockClient client = LockClient.connect(uri);
                Lease lease = client.lock("over-tls").acquire(Duration.ofSeconds(10))) {
            assertThat(lease.isValid()).isTrue();
            assertThat(client.inspect("over-tls").holder().orElseThrow().owner())
                    .isEqualTo(lease.owner());
        }
    }
}
