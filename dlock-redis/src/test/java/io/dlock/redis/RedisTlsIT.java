package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.BackendUnavailableException;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.servers.TlsMaterial;
import io.dlock.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rediss://}: locks over TLS to a server with a self-signed certificate, trusted by a trust store. */
class RedisTlsIT {

    @TempDir
    Path dir;

    @Test
    void locksWorkOverTlsWithTheServersCertificateTrusted() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir);
        int tlsPort = RedisServer.freePort();
        try (RedisServer server = RedisServer.start(
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                tls.certificate().toString(),
                "--tls-key-file",
                tls.privateKey().toString(),
                "--tls-ca-cert-file",
                tls.certificate().toString(),
                "--tls-auth-clients",
                "no",
                "--requirepass",
                "tls-secret")) {
            String trusted = "rediss://:tls-secret@127.0.0.1:" + tlsPort + "?trustStore=" + tls.trustStore()
                    + "&trustStorePassword=" + tls.password();
            try (LockClient client = LockClient.connect(trusted);
                    Lease lease = client.lock("over-tls").acquire(Duration.ofSeconds(5))) {
                assertThat(lease.isValid()).isTrue();
                assertThat(server.commandAs(null, "tls-secret", "HGET", "dlock:{over-tls}", "owner"))
                        .isEqualTo(lease.owner());
            }
            assertThatThrownBy(() -> LockClient.connect("rediss://:tls-secret@127.0.0.1:" + tlsPort))
                    .as("the JDK does not trust a self-signed certificate")
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("rediss://127.0.0.1:" + tlsPort)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tls-secret"));
            assertThatThrownBy(() -> LockClient.connect(trusted + "&trustStoreType=jks"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trustStoreType")
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain(tls.password())
                            .doesNotContain("tls-secret"));
        }
    }

    @Test
    void aRedlockListCarriesEachNodesOwnTlsOptions() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir);
        int portA = RedisServer.freePort();
        int portB = RedisServer.freePort();
        try (RedisServer a = startTls(tls, portA);
                RedisServer b = startTls(tls, portB);
                RedisServer plain = RedisServer.start()) {
            String trust = "?trustStore=" + tls.trustStore() + "&trustStorePassword=" + tls.password();
            String uri = "rediss://:tls-secret@127.0.0.1:" + portA + trust
                    + ",rediss://:tls-secret@127.0.0.1:" + portB + trust + "&nodeTimeout=5s"
                    + "," + plain.uri() + "?restartDetection=false";
            try (LockClient client = LockClient.connect(uri);
                    Lease lease = client.lock("tls-redlock").acquire(Duration.ofSeconds(5))) {
                // A grant needs only a majority: the last node's vote may still be on its way.
                Poll.until("the holder's key on every node, two of them over TLS", Duration.ofSeconds(5), () -> {
                    String owner = lease.owner();
                    return owner.equals(a.commandAs(null, "tls-secret", "HGET", "dlock:{tls-redlock}", "owner"))
                            && owner.equals(b.commandAs(null, "tls-secret", "HGET", "dlock:{tls-redlock}", "owner"))
                            && owner.equals(plain.command("HGET", "dlock:{tls-redlock}", "owner"));
                });
            }
            assertThatThrownBy(() ->
                            LockClient.connect(uri.replace("nodeTimeout=5s", "nodeTimeout=1s") + "&nodeTimeout=2s"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("twice");
        }
    }

    private static RedisServer startTls(TlsMaterial tls, int tlsPort) {
        return RedisServer.start(
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                tls.certificate().toString(),
                "--tls-key-file",
                tls.privateKey().toString(),
                "--tls-ca-cert-file",
                tls.certificate().toString(),
                "--tls-auth-clients",
                "no",
                "--requirepass",
                "tls-secret");
    }
}
