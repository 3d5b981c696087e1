package io.dlock.zookeeper;

import io.dlock.BackendUnavailableException;
import io.dlock.Health;
import io.dlock.LockException;
import io.dlock.LockState;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockBackend;
import io.dlock.spi.LockRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * The ZooKeeper backend: locks are ephemeral nodes, so a lock lives as long as its holder's
 * session; the servers never expire it on their own, nothing renews it, and each grant's loss
 * signal fires when the {@link SessionGuard} finds the session in doubt (its connection
 * suspended, or no longer confirmed by the leader). Fair mode queues waiters in sequence-node
 * order ({@link FairAcquisition}); simple mode races for one node ({@link SimpleAcquisition}).
 * Tokens are creation zxids, which only grow in an ensemble, also across restarts.
 */
final class ZooKeeperBackend implements LockBackend {

    private static final int INSPECT_READS = 5;

    private final ZooKeeperEndpoint endpoint;
    private final CuratorFramework client;
    private final ZooKeeperCalls calls;
    private final SessionGuard guard;

    private ZooKeeperBackend(ZooKeeperEndpoint endpoint, CuratorFramework client, SessionGuard guard) {
        this.endpoint = endpoint;
        this.client = client;
        this.calls = new ZooKeeperCalls(client, endpoint);
        this.guard = guard;
    }

    /**
     * Connects to {@code endpoint} and makes sure its root exists.
     *
     * @throws BackendUnavailableException naming the servers when no connection is made within
     *     the connection timeout
     */
    static ZooKeeperBackend connect(ZooKeeperEndpoint endpoint, BackendContext context) {
        CurrentHandle handle = new CurrentHandle(context.ticker());
        CuratorFramework client = CuratorClients.create(endpoint, handle);
        ZooKeeperCalls calls = new ZooKeeperCalls(client, endpoint);
        LeaderConfirmation confirmation = new LeaderConfirmation(
                calls, handle, endpoint.sessionTimeout(), context.ticker(), context.scheduler(), context.clockDrift());
        SessionGuard guard = new SessionGuard(
                client, handle, endpoint.suspendPolicy(), endpoint.sessionTimeout(), context.scheduler(), confirmation);
        client.getConnectionStateListenable().addListener(guard);
        client.start();
        try {
            if (!client.blockUntilConnected(
                    Math.toIntExact(endpoint.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
                throw new BackendUnavailableException("could not connect to ZooKeeper " + endpoint + " within "
                        + endpoint.connectionTimeout().toMillis() + " ms (servers down, wrong address, or no quorum)");
            }
            guard.connected(handle.sessionTimeout().orElse(endpoint.sessionTimeout()));
            client.checkExists().forPath("/"); // creates the root now, so that no later call blocks on it
            return new ZooKeeperBackend(endpoint, client, guard);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(client, guard);
            throw new LockException("interrupted while connecting to ZooKeeper " + endpoint, e);
        } catch (Exception e) {
            close(client, guard);
            throw ZooKeeperFailures.of(e, endpoint);
        }
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        capabilities().check(request);
        return switch (endpoint.mode()) {
            case FAIR -> new FairAcquisition(calls, new AcquisitionWatches(client, endpoint), guard, request, onChange);
            case SIMPLE ->
                new SimpleAcquisition(calls, new AcquisitionWatches(client, endpoint), guard, request, onChange);
        };
    }

    /**
     * Reads the holder after a {@code sync}, so the answer is at least as recent as the call: the
     * client's server may lag behind the leader, and another client's grant or release that
     * completed before this call must show.
     */
    @Override
    public CompletionStage<LockState> inspect(String name) {
        return calls.sync().thenCompose(code -> {
            if (code != KeeperException.Code.OK) {
                throw ZooKeeperFailures.of(code, "/", endpoint);
            }
            return inspect(LockPaths.of(name), INSPECT_READS);
        });
    }

    /**
     * Up while the client is connected and the leader has confirmed its session lately (the
     * state grants need); no round trip: the session's own syncs are the probe.
     */
    @Override
    public CompletionStage<Health> health() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("servers", endpoint.toString());
        details.put("mode", endpoint.mode().name().toLowerCase(Locale.ROOT));
        details.put("session", "0x" + Long.toHexString(guard.currentSession()));
        details.put("state", client.getZookeeperClient().isConnected() ? "connected" : "disconnected");
        boolean up = guard.healthy();
        details.put("leaderConfirmed", Boolean.toString(up));
        return CompletableFuture.completedFuture(new Health(up, kind(), details));
    }

    @Override
    public String kind() {
        return "zookeeper";
    }

    @Override
    public BackendCapabilities capabilities() {
        return BackendCapabilities.mutex(false, endpoint.mode() == LockMode.FAIR);
    }

    @Override
    public void close() {
        close(client, guard);
    }

    @Override
    public String toString() {
        return "ZooKeeperBackend[" + endpoint + ", " + endpoint.mode().name().toLowerCase(Locale.ROOT) + "]";
    }

    /** Reads the holder and the queue; re-reads when the holder left between the two reads. */
    private CompletionStage<LockState> inspect(LockPaths paths, int readsLeft) {
        return calls.children(paths.container()).thenCompose(children -> {
            QueueOrder order = QueueOrder.of(children);
            OptionalInt queueLength =
                    endpoint.mode() == LockMode.FAIR ? OptionalInt.of(order.waiting()) : OptionalInt.empty();
            Optional<String> holder = order.holder();
            if (holder.isEmpty()) {
                return CompletableFuture.completedFuture(new LockState(paths.name(), Optional.empty(), queueLength));
            }
            return calls.data(paths.child(holder.get()), Optional.empty()).thenCompose(data -> {
                if (data.isEmpty()) {
                    if (readsLeft <= 1) {
                        return CompletableFuture.failedFuture(new BackendUnavailableException("lock '" + paths.name()
                                + "' changed hands on every one of " + INSPECT_READS + " reads; try again"));
                    }
                    return inspect(paths, readsLeft - 1);
                }
                LockState.Holder current = new LockState.Holder(
                        new String(data.get().data(), StandardCharsets.UTF_8),
                        data.get().stat().getCzxid(),
                        Optional.empty());
                return CompletableFuture.completedFuture(
                        new LockState(paths.name(), Optional.of(current), queueLength));
            });
        });
    }

    /**
     * The Curator client, for tests that make it change sessions the ways Curator itself does
     * (an injected expiry after a long suspension, a reset handle).
     */
    CuratorFramework curator() {
        return client;
    }

    /**
     * What confirms this client's session with the leader (a sync every sixth of the session
     * timeout), for tests that count the session's requests at a server.
     */
    LeaderConfirmation confirmation() {
        return guard.confirmation();
    }

    private static void close(CuratorFramework client, SessionGuard guard) {
        guard.close();
        client.close();
    }
}
