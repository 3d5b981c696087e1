package io.dlock.servers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Finds a {@code redis-server} executable: {@code $REDIS_SERVER}, else the PATH, else the binary
 * shipped inside the {@code com.github.codemonstur:embedded-redis} artifact, extracted once to a
 * cache directory. The last makes the tests run on a machine with only a JDK.
 */
final class RedisBinary {

    private static volatile @Nullable Path resolved;

    private RedisBinary() {}

    static Path get() {
        Path path = resolved;
        if (path == null) {
            path = find();
            resolved = path;
        }
        return path;
    }

    private static Path find() {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("REDIS_SERVER=" + configured + " is not an executable file");
            }
            return path;
        }
        return onPath().orElseGet(RedisBinary::bundled);
    }

    private static Optional<Path> onPath() {
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVariable.split(File.pathSeparator, -1)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static Path bundled() {
        String resource = bundledResourceName();
        Path cache = Path.of(
                System.getProperty("java.io.tmpdir"), "dlock-servers-bin-" + System.getProperty("user.name", "user"));
        Path target = cache.resolve(resource);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on the PATH and no bundled binary " + resource
                        + " on the class path (add com.github.codemonstur:embedded-redis or set REDIS_SERVER)");
            }
            Files.createDirectories(cache);
            Path temp = Files.createTempFile(cache, resource, ".part");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            if (!temp.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + temp + " executable");
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled redis-server to " + cache, e);
        }
    }

    private static String bundledResourceName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("no bundled redis-server for " + os + "/" + arch + "; set REDIS_SERVER");
    }
}
