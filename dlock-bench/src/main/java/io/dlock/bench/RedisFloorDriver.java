package io.dlock.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The least any safe Redis lock must do, with the bare Lettuce client: {@code SET key owner NX
 * PX} to acquire and a compare-and-delete script to release, two round trips. On several nodes
 * each command goes to all of them in parallel and waits for every answer. The PING variant is
 * one round trip, the cost of the network and the server's event loop alone.
 */
final class RedisFloorDriver implements LockDriver {

    private static final String COMPARE_AND_DELETE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private final ClientResources resources = DefaultClientResources.create();
    private final List<RedisClient> clients = new ArrayList<>();
    private final List<RedisAsyncCommands<String, String>> nodes = new ArrayList<>();
    private final String sha;
    private final boolean pingOnly;
    private final AtomicLong sequence = new AtomicLong();

    private RedisFloorDriver(List<String> hostsAndPorts, boolean pingOnly) {
        this.pingOnly = pingOnly;
        @Nullable String digest = null;
        for (String hostAndPort : hostsAndPorts) {
            RedisClient client = RedisClient.create(resources, "redis://" + hostAndPort);
            clients.add(client);
            StatefulRedisConnection<String, String> connection = client.connect();
            nodes.add(connection.async());
            digest = connection.sync().scriptLoad(COMPARE_AND_DELETE);
        }
        sha = Objects.requireNonNull(digest, "no Redis node to load the script on");
    }

    /** {@code SET NX PX} + compare-and-delete on every node in parallel. */
    static RedisFloorDriver lock(List<String> hostsAndPorts) {
        return new RedisFloorDriver(hostsAndPorts, false);
    }

    /** One PING to one node. */
    static RedisFloorDriver ping(List<String> hostsAndPorts) {
        return new RedisFloorDriver(hostsAndPorts, true);
    }

    @Override
    public void acquireRelease(String name, boolean wait) throws Exception {
        if (wait) {
            throw new UnsupportedOperationException("the floor does not wait");
        }
        if (pingOnly) {
            nodes.get(0).ping().get(1, TimeUnit.SECONDS);
            return;
        }
        String owner = Long.toString(sequence.incrementAndGet());
        List<RedisFuture<String>> sets = new ArrayList<>(nodes.size());
        for (RedisAsyncCommands<String, String> node : nodes) {
            sets.add(node.set(name, owner, SetArgs.Builder.nx().px(30_000)));
        }
        for (RedisFuture<String> set : sets) {
            if (!"OK".equals(set.get(1, TimeUnit.SECONDS))) {
                throw new IllegalStateException("lock " + name + " was taken");
            }
        }
        List<RedisFuture<Long>> deletes = new ArrayList<>(nodes.size());
        for (RedisAsyncCommands<String, String> node : nodes) {
            deletes.add(node.evalsha(sha, ScriptOutputType.INTEGER, new String[] {name}, owner));
        }
        for (RedisFuture<Long> delete : deletes) {
            delete.get(1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        clients.forEach(RedisClient::shutdown);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
