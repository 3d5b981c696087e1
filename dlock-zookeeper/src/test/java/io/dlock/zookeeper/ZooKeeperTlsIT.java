package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.testkit.ZooKeeperServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zks://} locks through a server's secure client port, with a self-signed certificate
 * made by the JDK's keytool for 127.0.0.1 and a trust store holding it.
 */
class ZooKeeperTlsIT {

    private static final String PASSWORD = "test-store-pw";

    @TempDir
    Path stores;

    @Test
    void locksWorkOverTheSecureClientPort() throws Exception {
        Path keyStore = stores.resolve("server.p12");
        Path certificate = stores.resolve("server.pem");
        Path trustStore = stores.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "zk", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "zk", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "zk", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);
        int securePort = freePort();
        try (ZooKeeperServer server = ZooKeeperServer.standalone(Map.of(
                "secureClientPort", Integer.toString(securePort),
                "serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location", keyStore.toString(),
                "ssl.keyStore.password", PASSWORD,
                "ssl.trustStore.location", trustStore.toString(),
                "ssl.trustStore.password", PASSWORD,
                "ssl.clientAuth", "none"))) {
            String uri = "zks://127.0.0.1:" + securePort + "/tls?sessionTimeout=4s&trustStore=" + trustStore
                    + "&trustStorePassword=" + PASSWORD;
            try (LockClient client = LockClient.connect(uri);
                    Lease lease = client.lock("over-tls").acquire(Duration.ofSeconds(10))) {
                assertThat(lease.isValid()).isTrue();
                assertThat(client.inspect("over-tls").holder().orElseThrow().owner()).isEqualTo(lease.owner());
            }
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
