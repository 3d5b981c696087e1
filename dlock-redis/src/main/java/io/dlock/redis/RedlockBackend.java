package io.dlock.redis;

import io.dlock.BackendUnavailableException;
import io.dlock.Health;
import io.dlock.LockState;
import io.dlock.Ticker;
import io.dlock.spi.Acquisition;
import io.dlock.spi.BackendCapabilities;
import io.dlock.spi.BackendContext;
import io.dlock.spi.LockRequest;
import io.dlock.spi.Renewal;
import io.dlock.spi.RenewingBackend;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redlock backend: a lock is held when a majority of N independent Redis masters hold it,
 * as specified by redis.io's "Distributed locks with Redis". It is a composition of N
 * single-node operation sets ({@link RedisNode}) under a visible majority rule
 * ({@link Quorum}); every command goes to all nodes at once.
 *
 * <p><b>Availability.</b> Works while a majority of nodes answers within the node timeout.
 * Creation refuses, naming the reachable and unreachable nodes, when fewer than a majority can
 * be reached; nodes unreachable at creation are tried again whenever they are needed and used
 * once they answer.
 *
 * <p><b>Restarted nodes.</b> A node that restarts without the data it had (no persistence, or
 * persistence without fsync on every write) may grant a lock that another client still holds
 * on it. Unless turned off, each acquire script also reports whether the node has been up for
 * the quarantine (no extra round trip; see acquire.lua), and a node that started less than the
 * quarantine ago (at least the longest lease) has its vote ignored: the Redlock page's "delayed
 * restart", done by the client, so servers need no {@code appendfsync always}.
 *
 * <p><b>Fencing tokens.</b> Each node keeps, per lock, a fencing counter: the last token it
 * granted, remembered for an hour after each grant whatever the lease (see {@link RedisNode}).
 * A round proposes a floor F, this client's clock in microseconds (strictly increasing per
 * client), and each node grants {@code max(counter + 1, F)}. The client uses the largest answer
 * M only after a majority records at least M: either every granting node answered M, or M is
 * written back to them (raise.lua, owner-checked, so each write lands while this holder still
 * holds that node) and a majority acknowledges it. A later holder can take a node only after
 * this holder's key is gone from it, so after M was recorded there; its majority shares a node
 * with this one's, that node answers more than M, and the later token, the largest the later
 * holder sees, exceeds M. No timing enters this argument: a holder paused for any time after
 * its grant cannot make a later token smaller, since counters only ever rise.
 *
 * <p>Timing enters in three places only. Mutual exclusion, as for every lease, assumes clocks
 * run at nearly the same rate (the drift allowance) and processes do not pause longer than the
 * remaining validity without noticing; fencing catches the writes of those that do. A node
 * forgets a counter an hour after its last grant: a later token then comes from the later
 * client's floor, its clock, which exceeds M as long as client clocks differ by less than that
 * hour. And a node that lost its data forgets its counters at once: if it is the one node two
 * majorities share, the later token again comes from the later client's clock, which exceeds M
 * as long as client clocks differ by less than the restart quarantine (restart detection makes
 * the later client wait that long before it counts the node). Without restart detection that
 * argument, and mutual exclusion itself, fail, as the Redlock page warns.
 */
final class RedlockBackend implements RenewingBackend {

    private static final Logger log = LoggerFactory.getLogger(RedlockBackend.class);

    private final ClientResources resources;
    private final List<RedlockNode> nodes;
    private final Quorum quorum;
    private final RedlockOptions options;
    private final BackendContext context;
    private final AtomicLong lastTokenFloor = new AtomicLong();

    private RedlockBackend(
            ClientResources resources, List<RedlockNode> nodes, RedlockOptions options, BackendContext context) {
        this.resources = resources;
        this.nodes = nodes;
        this.quorum = new Quorum(nodes.size());
        this.options = options;
        this.context = context;
    }

    /**
     * Connects to every node at once, logs each outcome, and returns the backend when a
     * majority answered.
     *
     * @throws BackendUnavailableException naming the reachable and unreachable nodes when fewer
     *     than a majority could be reached
     */
    static RedlockBackend connect(List<RedisEndpoint> endpoints, RedlockOptions options, BackendContext context) {
        if (endpoints.size() % 2 == 0) {
            log.warn(
                    "Redlock with an even number of nodes ({}) tolerates no more failures than {} nodes would",
                    endpoints.size(),
                    endpoints.size() - 1);
        }
        ClientResources resources = DefaultClientResources.create();
        List<RedlockNode> nodes = endpoints.stream()
                .map(e -> new RedlockNode(e, resources, context.scheduler(), context.ticker()))
                .toList();
        List<CompletableFuture<RedisNode>> connections =
                nodes.stream().map(n -> n.connect().toCompletableFuture()).toList();
        List<String> reachable = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            RedlockNode node = nodes.get(i);
            try {
                connections.get(i).join();
                log.info("node {} connected", node);
                reachable.add(node.toString());
            } catch (CompletionException e) {
                String reason = RedisFailures.translate(e, node.endpoint()).getMessage();
                log.info("node {}", reason);
                unreachable.add(reason);
            }
        }
        Quorum quorum = new Quorum(nodes.size());
        log.info("Redlock with {}/{} usable nodes", reachable.size(), nodes.size());
        if (reachable.size() < quorum.needed()) {
            nodes.forEach(RedlockNode::close);
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new BackendUnavailableException("Redlock needs a majority of its nodes (" + quorum.needed() + " of "
                    + nodes.size() + ") but reached " + reachable.size() + "; reachable: "
                    + (reachable.isEmpty() ? "none" : String.join(", ", reachable)) + "; unreachable: "
                    + String.join("; ", unreachable));
        }
        return new RedlockBackend(resources, nodes, options, context);
    }

    @Override
    public Acquisition acquisition(LockRequest request, Runnable onChange) {
        capabilities().check(request);
        return new RedlockAcquisition(this, request, onChange);
    }

    /**
     * Renews on every node at once and decides each lease on its own: renewed where a majority
     * extended it, not held where a majority is no longer possible, undecided otherwise (too few
     * nodes answered). The stage fails only when nothing could be decided for any lease.
     */
    @Override
    public CompletionStage<List<Renewal>> renew(List<LockRequest> held) {
        return NodeResult.fromAll(nodes, node -> node.renew(held)).thenApply(results -> {
            if (log.isDebugEnabled()) {
                log.debug(
                        "renewal of {} lease(s): {}",
                        held.size(),
                        results.stream()
                                .map(r -> r.ok()
                                        ? r.node() + " renewed "
                                                + r.value().stream()
                                                        .filter(b -> b)
                                                        .count() + " of " + held.size()
                                        : r.failure())
                                .collect(Collectors.joining(", ")));
            }
            List<Renewal> outcomes = new ArrayList<>(held.size());
            for (int i = 0; i < held.size(); i++) {
                int index = i;
                long yes = results.stream()
                        .filter(r -> r.ok() && r.value().get(index))
                        .count();
                long no = results.stream()
                        .filter(r -> r.ok() && !r.value().get(index))
                        .count();
                outcomes.add(
                        yes >= quorum.needed()
                                ? Renewal.RENEWED
                                : quorum.impossible((int) no) ? Renewal.NOT_HELD : Renewal.UNDECIDED);
            }
            long failed = results.stream().filter(r -> !r.ok()).count();
            if (failed > 0 && outcomes.stream().allMatch(Renewal.UNDECIDED::equals)) {
                throw unavailable("renewal", results, failed);
            }
            return outcomes;
        });
    }

    @Override
    public void checkLease(Duration lease) {
        options.checkLease(lease);
    }

    @Override
    public void checkKeep(Duration keep) {
        options.checkKeep(keep);
    }

    @Override
    public CompletionStage<LockState> inspect(String name) {
        return NodeResult.fromAll(nodes, node -> node.inspect(name)).thenApply(results -> {
            long failed = results.stream().filter(r -> !r.ok()).count();
            if (quorum.impossible((int) failed)) {
                throw unavailable("inspection", results, failed);
            }
            Map<String, List<LockState.Holder>> byOwner = results.stream()
                    .filter(NodeResult::ok)
                    .flatMap(r -> r.value().holder().stream())
                    .collect(Collectors.groupingBy(LockState.Holder::owner));
            return byOwner.values().stream()
                    .filter(holders -> holders.size() >= quorum.needed())
                    .findFirst()
                    .map(holders -> new LockState(name, Optional.of(majorityView(holders)), OptionalInt.empty()))
                    .orElseGet(() -> LockState.free(name));
        });
    }

    /** The holder as a majority sees it: its highest token and the time until its majority lapses. */
    private LockState.Holder majorityView(List<LockState.Holder> holders) {
        long token =
                holders.stream().mapToLong(LockState.Holder::fencingToken).max().orElseThrow();
        List<Duration> remaining = holders.stream()
                .map(LockState.Holder::remaining)
                .flatMap(Optional::stream)
                .sorted(Comparator.reverseOrder())
                .toList();
        Optional<Duration> untilMajorityLapses = remaining.size() >= quorum.needed()
                ? Optional.of(remaining.get(quorum.needed() - 1))
                : Optional.empty();
        return new LockState.Holder(holders.get(0).owner(), token, untilMajorityLapses);
    }

    private BackendUnavailableException unavailable(String what, List<? extends NodeResult<?>> results, long failed) {
        return new BackendUnavailableException("Redlock " + what + " reached " + (quorum.nodes() - failed) + " of "
                + quorum.nodes() + " nodes, too few to decide; unreachable: "
                + results.stream().filter(r -> !r.ok()).map(NodeResult::failure).collect(Collectors.joining("; ")));
    }

    /** Pings every node at once: up while a majority answers; details name each node's state and k/N usable. */
    @Override
    public CompletionStage<Health> health() {
        return NodeResult.fromAll(nodes, RedisNode::ping).thenApply(results -> {
            Map<String, String> details = new LinkedHashMap<>();
            long usable = results.stream().filter(NodeResult::ok).count();
            details.put("usableNodes", usable + "/" + nodes.size());
            details.put("majority", Integer.toString(quorum.needed()));
            for (NodeResult<Void> result : results) {
                details.put(result.node().toString(), result.ok() ? "up" : result.failure());
            }
            return new Health(usable >= quorum.needed(), kind(), details);
        });
    }

    @Override
    public String kind() {
        return "redlock";
    }

    @Override
    public BackendCapabilities capabilities() {
        return BackendCapabilities.mutex(true, false);
    }

    @Override
    public void close() {
        nodes.forEach(RedlockNode::close);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RedlockBackend" + nodes;
    }

    List<RedlockNode> nodes() {
        return nodes;
    }

    Quorum quorum() {
        return quorum;
    }

    RedlockOptions options() {
        return options;
    }

    Ticker ticker() {
        return context.ticker();
    }

    Duration drift(Duration lease) {
        return context.clockDrift().allowanceFor(lease);
    }

    /** Logs at DEBUG what each node answered to an owner-checked command: done, not held, or why not. */
    void logPerNode(String what, LockRequest request, List<NodeResult<Boolean>> results) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "lock '{}' owner {}: {}: {}",
                    request.name(),
                    request.owner(),
                    what,
                    results.stream()
                            .map(r -> !r.ok() ? r.failure() : r.node() + (r.value() ? " done" : " not held"))
                            .collect(Collectors.joining(", ")));
        }
    }

    /**
     * Says on WARN, once per restart of each node, that an acquisition of {@code name} waits
     * because the votes of restarted nodes do not count yet, naming them and how long until they
     * do: otherwise it would wait up to a quarantine in silence.
     *
     * @param uptimes how long each quarantined node has been up, in seconds
     */
    void warnQuarantined(String name, Map<RedlockNode, Long> uptimes, Optional<Duration> waitsFor) {
        List<RedlockNode> news = uptimes.entrySet().stream()
                .filter(entry -> entry.getKey().firstReportOfRestart(entry.getValue()))
                .map(Map.Entry::getKey)
                .toList();
        if (news.isEmpty()) {
            return;
        }
        long quarantine = options.quarantineSeconds();
        log.warn(
                "Redlock: lock '{}' waits{} for the restart quarantine of {} s: {}; a node that restarted may have"
                        + " lost the locks it held, so its vote counts only after that",
                name,
                waitsFor.map(d -> " up to " + Math.max(1, (d.toMillis() + 999) / 1_000) + " s")
                        .orElse(""),
                quarantine,
                uptimes.entrySet().stream()
                        .map(entry -> "the vote of " + entry.getKey() + " (up " + entry.getValue() + " s) counts in "
                                + (quarantine - entry.getValue()) + " s")
                        .collect(Collectors.joining(", ")));
    }

    /** The next token floor: this client's clock in microseconds, strictly increasing. */
    long nextTokenFloor() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        return lastTokenFloor.updateAndGet(last -> Math.max(last + 1, micros));
    }
}
