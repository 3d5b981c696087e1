package io.dlock.redis;

import io.dlock.Health;
import io.dlock.LockState;
import io.dlock.Scheduler;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.RenewingBackend;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The single-node Redis backend: {@code SET NX PX} semantics with an owner check and a fencing
 * token, each operation one Lua script run by SHA on one server. Safe while that server neither
 * fails over to a replica that missed the lock nor loses its data within a lease; tokens stay
 * increasing even then.
 */
final class RedisBackend implements RenewingBackend {

    private static final BackendCapabilities CAPABILITIES = BackendCapabilities.mutex(true, false);

    private final ClientResources resources;
    private final RedisNode node;

    private RedisBackend(ClientResources resources, RedisNode node) {
        this.resources = resources;
        this.node = node;
    }

    /** Connects to {@code endpoint}; fails with a message naming it when it is unreachable. */
    static RedisBackend connect(RedisEndpoint endpoint, Scheduler scheduler) {
        ClientResources resources = DefaultClientResources.create();
        try {
            return new RedisBackend(resources, RedisNode.connect(endpoint, resources, scheduler));
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        capabilities().check(request);
        return new SingleNodeAcquisition(node, request, onChange);
    }

    @Override
    public CompletionStage<List<Renewal>> renew(List<LockRequest> held) {
        return node.renew(held).thenApply(renewed -> renewed.stream()
                .map(stillHeld -> stillHeld ? Renewal.RENEWED : Renewal.NOT_HELD)
                .toList());
    }

    @Override
    public CompletionStage<LockState> inspect(String name) {
        return node.inspect(name);
    }

    @Override
    public CompletionStage<Health> health() {
        return node.ping()
                .handle((pong, error) -> error == null
                        ? new Health(
                                true, kind(), Map.of("server", node.endpoint().toString()))
                        : Health.down(
                                kind(),
                                String.valueOf(RedisFailures.translate(error, node.endpoint())
                                        .getMessage())));
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void close() {
        node.close();
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RedisBackend[" + node.endpoint() + "]";
    }
}
