package io.dlock.bench;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** Every implementation the benchmarks compare, each opened on the fork's servers. */
public enum Implementation {
    /** dlock on one Redis node: one acquire script, one release script. */
    DLOCK_REDIS(servers -> new DlockDriver(LockClient.connect(servers.redisUri()))),
    /** The floor: {@code SET NX PX} and a compare-and-delete script with the bare Lettuce client. */
    FLOOR_REDIS(servers -> new RedisFloorDriver(servers.redisUri()));

    private final Function<BenchServers, LockDriver> opener;

    Implementation(Function<BenchServers, LockDriver> opener) {
        this.opener = opener;
    }

    LockDriver open(BenchServers servers) {
        return opener.apply(servers);
    }

    /** dlock through its public API, with a renewed lease as users take it. */
    private static final class DlockDriver implements LockDriver {
        private final LockClient client;

        DlockDriver(LockClient client) {
            this.client = client;
        }

        @Override
        public void acquireRelease(String name) throws Exception {
            Optional<Lease> lease = client.lock(name).tryAcquire(Duration.ZERO);
            lease.orElseThrow(() -> new IllegalStateException("lock " + name + " was taken")).close();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** The two round trips any safe Redis lock needs, with nothing else. */
    private static final class RedisFloorDriver implements LockDriver {
        private static final String COMPARE_AND_DELETE =
                "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;
        private final RedisCommands<String, String> commands;
        private final String sha;
        private long sequence;

        RedisFloorDriver(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
            commands = connection.sync();
            sha = commands.scriptLoad(COMPARE_AND_DELETE);
        }

        @Override
        public void acquireRelease(String name) {
            String owner = Thread.currentThread().getId() + ":" + sequence++;
            if (!"OK".equals(commands.set(name, owner, SetArgs.Builder.nx().px(30_000)))) {
                throw new IllegalStateException("lock " + name + " was taken");
            }
            commands.<Long>evalsha(sha, ScriptOutputType.INTEGER, new String[] {name}, owner);
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
