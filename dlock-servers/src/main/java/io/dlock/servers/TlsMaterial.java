package io.dlock.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made with the JDK's keytool,
 * in the forms servers and clients want: a PKCS#12 key store (Java servers), PEM certificate
 * and PKCS#8 PEM private key (Redis), and a PKCS#12 trust store holding the certificate
 * (clients). Needs nothing but a JDK.
 *
 * @param keyStore the server's key and certificate
 * @param certificate the certificate, PEM
 * @param privateKey the private key, unencrypted PKCS#8 PEM
 * @param trustStore a trust store with the certificate
 * @param password the password of both stores
 */
public record TlsMaterial(Path keyStore, Path certificate, Path privateKey, Path trustStore, String password) {

    private static final String ALIAS = "server";

    /** Makes the material in {@code directory}; valid for two days. */
    public static TlsMaterial create(Path directory) {
        String password = "dlock-test-store";
        TlsMaterial material = new TlsMaterial(
                directory.resolve("server.p12"),
                directory.resolve("server.pem"),
                directory.resolve("server.key"),
                directory.resolve("trust.p12"),
                password);
        keytool(
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                material.keyStore.toString(),
                "-storepass",
                password);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                ALIAS,
                "-keystore",
                material.keyStore.toString(),
                "-storepass",
                password,
                "-file",
                material.certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                ALIAS,
                "-file",
                material.certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                material.trustStore.toString(),
                "-storepass",
                password);
        material.writePrivateKeyPem();
        return material;
    }

    private void writePrivateKeyPem() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            Key key = store.getKey(ALIAS, password.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(privateKey, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key keytool made", e);
        }
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
