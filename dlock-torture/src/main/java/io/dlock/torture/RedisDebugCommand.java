package io.dlock.torture;

import io.dlock.servers.RedisServer;
import org.jspecify.annotations.Nullable;

/**
 * Whether the {@code redis-server} in use needs {@code --enable-debug-command local} for
 * {@code DEBUG SLEEP}: Redis 7 turned the command off by default, and Redis 6 refuses the option.
 */
final class RedisDebugCommand {

    private static volatile String @Nullable [] args;

    private RedisDebugCommand() {}

    /** The extra server arguments that allow {@code DEBUG SLEEP} from loopback; found once per JVM. */
    static String[] enablingArgs() {
        String[] known = args;
        if (known == null) {
            try (RedisServer probe = RedisServer.start()) {
                String version = probe.command("INFO", "server")
                        .lines()
                        .filter(line -> line.startsWith("redis_version:"))
                        .findFirst()
                        .map(line -> line.substring("redis_version:".length()).trim())
                        .orElse("0");
                int major = Integer.parseInt(version.substring(0, version.indexOf('.')));
                known = major >= 7 ? new String[] {"--enable-debug-command", "local"} : new String[0];
            }
            args = known;
        }
        return known.clone();
    }
}
