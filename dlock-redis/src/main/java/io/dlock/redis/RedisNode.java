package io.dlock.redis;

import io.dlock.BackendUnavailableException;
import io.dlock.LockState;
import io.dlock.Scheduler;
import io.dlock.spi.LockRequest;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The lock operations on one Redis server, one round trip each: the building block of the
 * single-node backend and, N times over, of Redlock.
 *
 * <p>Holds one multiplexed command connection (commands are pipelined on it, so no pool and no
 * lock in the hot path) and, on first use, one pub/sub connection shared by all waiters.
 * While disconnected, commands fail at once rather than queue, so no stale command runs later.
 */
final class RedisNode implements AutoCloseable {

    /**
     * How long a lock's fencing counter outlives its last grant (see acquire.lua). Once it is
     * forgotten, tokens continue from a clock, so the clocks involved (the server's, or Redlock's
     * clients') may disagree or step back by up to this much without a token going down; one
     * small key per name used within it is the cost.
     */
    private static final Duration FENCING_COUNTER_MEMORY = Duration.ofHours(1);
    /** At most this many leases per renewal script: about a millisecond of server time. */
    static final int RENEWALS_PER_CALL = 1_000;

    private static final String COUNTER_MEMORY_MILLIS = Long.toString(FENCING_COUNTER_MEMORY.toMillis());

    private final RedisEndpoint endpoint;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final CallTimeouts callTimeouts;
    private final ScriptConnection scripts;
    private final ReleaseSubscriptions subscriptions;
    private volatile LeaseText lastLease = new LeaseText(-1, "-1");

    private RedisNode(
            RedisEndpoint endpoint,
            RedisClient client,
            StatefulRedisConnection<String, String> connection,
            Scheduler scheduler) {
        this.endpoint = endpoint;
        this.client = client;
        this.connection = connection;
        this.commands = connection.async();
        this.callTimeouts = new CallTimeouts(
                endpoint.timeout(),
                client.getResources().timer(),
                client.getResources().eventExecutorGroup());
        this.scripts = new ScriptConnection(connection, endpoint, callTimeouts);
        this.subscriptions = new ReleaseSubscriptions(endpoint, client, scheduler);
    }

    /**
     * Connects to {@code endpoint}.
     *
     * @throws BackendUnavailableException naming the server and the reason when it cannot be
     *     reached or refuses the credentials
     */
    static RedisNode connect(RedisEndpoint endpoint, ClientResources resources, Scheduler scheduler) {
        try {
            return connectAsync(endpoint, resources, scheduler)
                    .toCompletableFuture()
                    .join();
        } catch (CompletionException e) {
            throw RedisFailures.translate(e, endpoint);
        }
    }

    /**
     * Connects to {@code endpoint} without blocking; the stage fails with a
     * {@link io.dlock.LockException} naming the server and the reason.
     */
    static CompletionStage<RedisNode> connectAsync(
            RedisEndpoint endpoint, ClientResources resources, Scheduler scheduler) {
        RedisClient client = RedisClient.create(resources, endpoint.connectUri());
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.builder()
                        .timeoutSource(new OtherCommandsTimeout(endpoint.timeout()))
                        .build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(RedisEndpoint.CONNECT_TIMEOUT)
                        .build());
        endpoint.sslOptions().ifPresent(options::sslOptions);
        client.setOptions(options.build());
        return client.connectAsync(StringCodec.UTF8, endpoint.connectUri())
                .toCompletableFuture()
                .handle((connection, error) -> {
                    if (error != null) {
                        client.shutdownAsync(0, 2, TimeUnit.SECONDS);
                        throw RedisFailures.translate(error, endpoint);
                    }
                    return new RedisNode(endpoint, client, connection, scheduler);
                });
    }

    RedisEndpoint endpoint() {
        return endpoint;
    }

    /**
     * True while the command connection is up. While it is down, commands are rejected without
     * being sent, so a command that finds it down never reached the server.
     */
    boolean isConnected() {
        return connection.isOpen();
    }

    /**
     * Takes {@code request.name()} for its owner if free.
     *
     * @param keys the keys of {@code request.name()}
     * @param tokenFloor the client's proposed minimum token; empty to use the server's clock
     * @param uptimeWanted the restart quarantine in seconds, when the reply must say whether
     *     the server has been up that long (no extra round trip); empty for no report
     * @return a stage with the grant's token, or the holder's remaining lease
     */
    CompletionStage<NodeGrant> acquire(
            Keys keys, LockRequest request, OptionalLong tokenFloor, OptionalLong uptimeWanted) {
        String owner = request.owner();
        String lease = leaseMillis(request.lease());
        // The single node sends only the arguments it uses: each one costs encoding on every call.
        String[] args = tokenFloor.isEmpty() && uptimeWanted.isEmpty()
                ? new String[] {owner, lease, COUNTER_MEMORY_MILLIS}
                : new String[] {
                    owner,
                    lease,
                    COUNTER_MEMORY_MILLIS,
                    tokenFloor.isPresent() ? Long.toString(tokenFloor.getAsLong()) : "",
                    uptimeWanted.isPresent() ? Long.toString(uptimeWanted.getAsLong()) : ""
                };
        return run(
                LuaScript.ACQUIRE,
                () -> new ScriptReply.Grant(owner),
                new String[] {keys.lock(), keys.fencingCounter()},
                args);
    }

    /**
     * Raises the token of a lock the owner holds to at least {@code floor}.
     *
     * @return a stage with true if the owner still holds the lock (its token is now at least
     *     the floor)
     */
    CompletionStage<Boolean> raise(Keys keys, String owner, long floor) {
        return run(
                LuaScript.RAISE,
                ScriptReply.Flag::new,
                new String[] {keys.lock(), keys.fencingCounter()},
                new String[] {owner, Long.toString(floor), COUNTER_MEMORY_MILLIS});
    }

    /**
     * Extends every lease still held by its owner: one script call per {@value #RENEWALS_PER_CALL}
     * leases, sent together, so a large batch never blocks the server for long in one script.
     *
     * @return a stage with one flag per lease, in order: true if it was extended
     */
    CompletionStage<List<Boolean>> renew(List<LockRequest> held) {
        List<CompletableFuture<List<Boolean>>> calls = new ArrayList<>();
        for (int from = 0; from < held.size(); from += RENEWALS_PER_CALL) {
            calls.add(renewInOneCall(held.subList(from, Math.min(from + RENEWALS_PER_CALL, held.size())))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<Boolean> renewed = new ArrayList<>(held.size());
            calls.forEach(call -> renewed.addAll(call.join()));
            return renewed;
        });
    }

    private CompletionStage<List<Boolean>> renewInOneCall(List<LockRequest> held) {
        String[] keys = new String[held.size()];
        String[] args = new String[held.size() * 2];
        for (int i = 0; i < held.size(); i++) {
            LockRequest request = held.get(i);
            keys[i] = Keys.lock(request.name());
            args[2 * i] = request.owner();
            args[2 * i + 1] = leaseMillis(request.lease());
        }
        return run(
                LuaScript.RENEW,
                () -> new ScriptReply.Fields<>(flags -> {
                    List<Boolean> renewed = new ArrayList<>(held.size());
                    for (Object flag : flags) {
                        renewed.add(((Long) flag) == 1);
                    }
                    return renewed;
                }),
                keys,
                args);
    }

    /**
     * Releases the lock if the owner holds it; true if it was held.
     *
     * @param announce whether to wake waiters (the script does only if one was denied); false
     *     for a grant that never became a lock
     */
    CompletionStage<Boolean> release(Keys keys, String owner, boolean announce) {
        return run(
                LuaScript.RELEASE,
                ScriptReply.Flag::new,
                new String[] {keys.lock()},
                announce ? new String[] {owner} : new String[] {owner, "0"});
    }

    /** Asks the server to answer, for health checks. */
    CompletionStage<Void> ping() {
        return commands.ping().toCompletableFuture().handle((pong, error) -> {
            if (error != null) {
                throw RedisFailures.asCompletion(RedisFailures.translate(error, endpoint));
            }
            return null;
        });
    }

    /** Reads the holder, its remaining lease and its token. */
    CompletionStage<LockState> inspect(String name) {
        return run(
                LuaScript.INSPECT,
                () -> new ScriptReply.Fields<>(fields -> {
                    String owner = (String) fields.get(0);
                    if (owner.isEmpty()) {
                        return LockState.free(name);
                    }
                    long pttl = (Long) fields.get(1);
                    Optional<Duration> remaining = pttl >= 0 ? Optional.of(Duration.ofMillis(pttl)) : Optional.empty();
                    long token = Long.parseLong((String) fields.get(2));
                    return new LockState(
                            name, Optional.of(new LockState.Holder(owner, token, remaining)), OptionalInt.empty());
                }),
                new String[] {Keys.lock(name)},
                new String[0]);
    }

    /** Calls {@code onRelease} whenever the lock of {@code keys} is released; completes once subscribed. */
    CompletionStage<Void> watch(Keys keys, Runnable onRelease) {
        return subscriptions.add(keys.releaseChannel(), onRelease);
    }

    /**
     * Calls {@code onRelease} whenever the lock of {@code keys} is released, if the channel is
     * already subscribed: then no release after this call can be missed. No I/O.
     *
     * @return true if watching; false if the caller must {@link #watch} and wait for it
     */
    boolean watchIfSubscribed(Keys keys, Runnable onRelease) {
        return subscriptions.anySubscribed() && subscriptions.addIfSubscribed(keys.releaseChannel(), onRelease);
    }

    /** Stops calling {@code onRelease} for the lock of {@code keys}. */
    void unwatch(Keys keys, Runnable onRelease) {
        subscriptions.remove(keys.releaseChannel(), onRelease);
    }

    /** Closes both connections (shutting the client down closes every connection it made). */
    @Override
    public void close() {
        callTimeouts.close();
        subscriptions.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** Runs {@code script} by its SHA-1 (its source once, where the server lacks it), its reply decoded as it arrives. */
    private <T> CompletionStage<T> run(
            LuaScript script, Supplier<? extends ScriptReply<T>> replies, String[] keys, String[] args) {
        return ScriptCall.send(scripts, script, replies, keys, args);
    }

    /** A lease in milliseconds, as the scripts take it: the text of the last length asked for is kept. */
    private String leaseMillis(Duration lease) {
        long millis = lease.toMillis();
        LeaseText last = lastLease;
        if (last.millis() != millis) {
            last = new LeaseText(millis, Long.toString(millis));
            lastLease = last;
        }
        return last.text();
    }

    /**
     * Lettuce's timeout of every command but the script calls, whose timeouts {@link CallTimeouts}
     * keeps without a timer per call.
     */
    private static final class OtherCommandsTimeout extends TimeoutOptions.TimeoutSource {
        private final long timeoutNanos;

        OtherCommandsTimeout(Duration timeout) {
            this.timeoutNanos = timeout.toNanos();
        }

        @Override
        public long getTimeout(RedisCommand<?, ?, ?> command) {
            return command instanceof ScriptCall ? 0 : timeoutNanos;
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.NANOSECONDS;
        }
    }

    /** The text of a lease length, kept because nearly every request of a client asks for the same. */
    private record LeaseText(long millis, String text) {}

    /**
     * One node's answer to an acquire.
     *
     * @param granted whether the owner holds the lock on this node
     * @param value the token when granted; otherwise the holder's remaining lease in
     *     milliseconds, negative when the key has no expiry
     * @param uptimeSeconds a lower bound of the server's uptime, exact below the quarantine
     *     asked about; -1 when not asked for
     * @param holder the owner holding the lock on this server: the requester when granted
     */
    record NodeGrant(boolean granted, long value, long uptimeSeconds, String holder) {}
}
