package io.dlock.redis;

import io.dlock.BackendUnavailableException;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner's acquisition on a Redlock set, following redis.io's "Distributed locks with
 * Redis": each attempt sends the same owner and lease to every node at once; it succeeds when a
 * majority granted and the lease still has validity left after the time the round took minus
 * the drift allowance. A failed attempt releases on every node that may hold this owner's key,
 * and the engine retries after a jittered delay.
 *
 * <p>The fencing token is settled before the lease is handed out: if the granting majority
 * answered different tokens, the highest is written back to them (raise.lua) and only a
 * majority of acknowledgements makes the grant. See {@link RedlockBackend} for why this keeps
 * tokens increasing.
 *
 * <p>The acquisition remembers which nodes may hold this owner's key: those that granted, and
 * those whose reply was lost. Clean-ups and the release of its grant go to those nodes only,
 * each node leaves the set once it confirmed, and a release that could not reach one of them
 * fails, so the engine tries again, on those nodes only, while they may still hold the key.
 */
final class RedlockAcquisition implements Acquisition {

    private static final Logger log = LoggerFactory.getLogger(RedlockBackend.class);

    private final RedlockBackend backend;
    private final LockRequest request;
    private final Keys keys;
    private final Runnable onChange;
    private final Set<RedlockNode> mayHold = ConcurrentHashMap.newKeySet();
    private final Set<RedisNode> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean watching;

    RedlockAcquisition(RedlockBackend backend, LockRequest request, Runnable onChange) {
        this.backend = backend;
        this.request = request;
        this.keys = Keys.of(request.name());
        this.onChange = onChange;
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        if (!watching) {
            watching = watchIfSubscribed();
        }
        return round().thenApply(result -> {
            if (result instanceof AttemptResult.Granted) {
                stopWatching();
            }
            return result;
        });
    }

    /**
     * Listens on every connected node's release channel. A node that cannot subscribe is left to
     * timed retries; a node without a connection grants nothing while it has none.
     *
     * @return a stage with true when this acquisition already listened everywhere before its last
     *     round began
     */
    @Override
    public CompletionStage<Boolean> watch() {
        if (watching) {
            return CompletableFuture.completedFuture(true);
        }
        watching = true;
        List<CompletableFuture<Void>> subscriptions = new ArrayList<>();
        for (RedlockNode node : backend.nodes()) {
            node.ready().filter(RedisNode::isConnected).ifPresent(connected -> {
                watched.add(connected);
                subscriptions.add(
                        connected.watch(keys, onChange).toCompletableFuture().exceptionally(failed -> null));
            });
        }
        return CompletableFuture.allOf(subscriptions.toArray(CompletableFuture[]::new))
                .thenApply(all -> false);
    }

    /**
     * Releases, announced, on every node that may hold this owner's key (a grant, one that came
     * too late, or one whose reply was lost holds up other clients' waiters).
     *
     * @return a stage with true when a majority released this owner's key; failing when a node
     *     that may hold the key could not be reached (calling again tries the nodes that are left)
     */
    @Override
    public CompletionStage<Boolean> release() {
        stopWatching();
        return releaseWhereHeld(true).thenApply(outcome -> {
            if (!outcome.left().isEmpty()) {
                throw new BackendUnavailableException("Redlock release of lock '" + request.name() + "' (owner "
                        + request.owner() + ") could not reach every node that may hold it: "
                        + String.join("; ", outcome.left()));
            }
            return outcome.released() >= backend.quorum().needed();
        });
    }

    /**
     * Listens on every connected node's release channel before the round if all of them are
     * already subscribed (no I/O), so a denied round needs no re-check; otherwise listens nowhere.
     * A node without a connection is left out: it grants nothing while it has none.
     */
    private boolean watchIfSubscribed() {
        List<RedisNode> added = new ArrayList<>();
        for (RedlockNode node : backend.nodes()) {
            RedisNode connected = node.ready().filter(RedisNode::isConnected).orElse(null);
            if (connected == null) {
                continue;
            }
            if (!connected.watchIfSubscribed(keys, onChange)) {
                added.forEach(n -> n.unwatch(keys, onChange));
                return false;
            }
            added.add(connected);
        }
        watched.addAll(added);
        return true;
    }

    private void stopWatching() {
        watching = false;
        for (RedisNode node : watched) {
            node.unwatch(keys, onChange);
        }
        watched.clear();
    }

    /** One Redlock round: acquire everywhere, count, settle the token or clean up. */
    private CompletionStage<AttemptResult> round() {
        long start = backend.ticker().nanos();
        long floor = backend.nextTokenFloor();
        Ballot ballot = new Ballot();
        OptionalLong uptimeWanted = backend.options().restartDetection()
                ? OptionalLong.of(backend.options().quarantineSeconds())
                : OptionalLong.empty();
        for (RedlockNode node : backend.nodes()) {
            NodeResult.ask(node, connected -> {
                        // From the moment it is sent until a refusal comes back: a release sent meanwhile
                        // (the round decided without this node) must reach it too.
                        mayHold.add(node);
                        return connected.acquire(keys, request, OptionalLong.of(floor), uptimeWanted);
                    })
                    .thenAccept(result -> {
                        if (result.ok() && !result.value().granted()) {
                            mayHold.remove(node); // a refusal holds nothing
                        }
                        ballot.add(result);
                    });
        }
        return ballot.decided().thenCompose(votes -> {
            List<Vote> granted =
                    votes.stream().filter(v -> v.kind == Vote.Kind.GRANTED).toList();
            if (granted.size() < backend.quorum().needed()) {
                logRound(votes, "no majority");
                return releaseWhereHeld(false).thenApply(released -> {
                    AttemptResult failure = failure(votes);
                    warnIfQuarantined(votes, failure);
                    return failure;
                });
            }
            long token = granted.stream()
                    .mapToLong(v -> v.result.value().value())
                    .max()
                    .orElseThrow();
            boolean agreed = granted.stream().allMatch(v -> v.result.value().value() == token);
            CompletionStage<Boolean> settled = agreed ? CompletableFuture.completedFuture(true) : raise(granted, token);
            return settled.thenCompose(majority -> {
                Duration elapsed = Duration.ofNanos(backend.ticker().nanos() - start);
                Duration validity = request.lease().minus(elapsed).minus(backend.drift(request.lease()));
                if (!majority || validity.isNegative() || validity.isZero()) {
                    String why = !majority
                            ? "could not settle the fencing token on a majority"
                            : "the round took " + elapsed.toMillis() + " ms, leaving no validity";
                    logRound(votes, why);
                    return releaseWhereHeld(false).thenApply(released -> {
                        throw new BackendUnavailableException(
                                "Redlock acquisition of '" + request.name() + "': " + why);
                    });
                }
                logRound(votes, "acquired with token " + token + (agreed ? "" : " (raised on the majority)"));
                return CompletableFuture.completedFuture(AttemptResult.Granted.withToken(token));
            });
        });
    }

    /** Writes {@code token} back to the granting nodes; true when a majority acknowledged it. */
    private CompletionStage<Boolean> raise(List<Vote> granted, long token) {
        List<RedlockNode> nodes = granted.stream().map(v -> v.result.node()).toList();
        return NodeResult.fromAll(nodes, node -> node.raise(keys, request.owner(), token))
                .thenApply(acks -> {
                    backend.logPerNode("raise of the fencing token to " + token, request, acks);
                    return acks.stream().filter(a -> a.ok() && a.value()).count()
                            >= backend.quorum().needed();
                });
    }

    /**
     * Releases this owner's key on every node that may hold it, at once; a node leaves that set
     * once it answered (released, or did not hold it).
     *
     * @param announce whether to wake waiters; a round without a majority releases quietly, so
     *     that competing clients retry after their random delays rather than all at once, as the
     *     Redlock page advises
     */
    private CompletionStage<Released> releaseWhereHeld(boolean announce) {
        List<RedlockNode> targets = List.copyOf(mayHold);
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(new Released(0, List.of()));
        }
        Function<RedisNode, CompletionStage<Boolean>> release = node -> node.release(keys, request.owner(), announce);
        return NodeResult.fromAll(targets, release).thenApply(results -> {
            backend.logPerNode(announce ? "release" : "release after a round without a majority", request, results);
            int released = 0;
            List<String> left = new ArrayList<>();
            for (NodeResult<Boolean> result : results) {
                if (result.ok()) {
                    mayHold.remove(result.node());
                    released += result.value() ? 1 : 0;
                } else {
                    left.add(result.failure());
                }
            }
            return new Released(released, left);
        });
    }

    /** What a release found: how many nodes released this owner's key, and why the rest may still hold it. */
    private record Released(int released, List<String> left) {}

    /**
     * What a round without a majority means, from every node's vote:
     * <ul>
     *   <li>unavailable when too few nodes answered for a majority to be possible;
     *   <li>{@link AttemptResult.Retry} when nobody holds a majority and the nodes this round
     *       granted or found taken by other owners would make one: competing clients split the
     *       vote, and each releases its minority at once, which the Redlock page resolves by
     *       desynchronised retries soon;
     *   <li>otherwise denied until enough blocking votes lapse (a majority holder's leases,
     *       restarted nodes' quarantines), the soonest first. Nodes that did not answer are
     *       not counted on: while they stay away, their votes never come free.
     * </ul>
     */
    private AttemptResult failure(List<Vote> votes) {
        List<Vote> failed =
                votes.stream().filter(v -> v.kind == Vote.Kind.FAILED).toList();
        if (backend.quorum().impossible(failed.size())) {
            throw new BackendUnavailableException(
                    "Redlock needs " + backend.quorum().needed() + " of "
                            + backend.quorum().nodes() + " nodes; unreachable: "
                            + failed.stream().map(v -> v.result.failure()).collect(Collectors.joining("; ")));
        }
        int needed = backend.quorum().needed();
        long free = votes.stream().filter(v -> v.kind == Vote.Kind.GRANTED).count();
        Map<String, Long> refusalsByHolder = votes.stream()
                .filter(v -> v.kind == Vote.Kind.REFUSED)
                .collect(Collectors.groupingBy(v -> v.result.value().holder(), Collectors.counting()));
        boolean majorityHolder = refusalsByHolder.values().stream().anyMatch(count -> count >= needed);
        long refused =
                refusalsByHolder.values().stream().mapToLong(Long::longValue).sum();
        if (!majorityHolder && free + refused >= needed) {
            return new AttemptResult.Retry();
        }
        List<Long> blockedFor = votes.stream()
                .filter(v -> v.kind == Vote.Kind.REFUSED || v.kind == Vote.Kind.QUARANTINED)
                .map(this::blockedForMillis)
                .map(millis -> millis < 0 ? Long.MAX_VALUE : millis)
                .sorted()
                .toList();
        long lapse = blockedFor.get((int) (needed - free) - 1);
        return lapse < Long.MAX_VALUE
                ? AttemptResult.Denied.holderFor(Duration.ofMillis(lapse))
                : AttemptResult.Denied.untilNotified();
    }

    /** How long a refusing node stays taken, or a quarantined node stays uncounted; -1 if unknown. */
    private long blockedForMillis(Vote vote) {
        RedisNode.NodeGrant answer = vote.result.value();
        if (vote.kind == Vote.Kind.REFUSED) {
            return answer.value();
        }
        return (backend.options().quarantineSeconds() - answer.uptimeSeconds()) * 1_000;
    }

    /** Says, once per restart, that the restart quarantine holds an acquisition back, and for how long. */
    private void warnIfQuarantined(List<Vote> votes, AttemptResult failure) {
        List<Vote> quarantined =
                votes.stream().filter(v -> v.kind == Vote.Kind.QUARANTINED).toList();
        if (!quarantined.isEmpty() && failure instanceof AttemptResult.Denied denied) {
            backend.warnQuarantined(
                    request.name(),
                    quarantined.stream()
                            .collect(Collectors.toMap(
                                    v -> v.result.node(),
                                    v -> v.result.value().uptimeSeconds(),
                                    (first, second) -> first,
                                    LinkedHashMap::new)),
                    denied.holderRemaining());
        }
    }

    private void logRound(List<Vote> votes, String outcome) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "lock '{}' owner {}: {} -> {}",
                    request.name(),
                    request.owner(),
                    votes.stream().map(Vote::describe).collect(Collectors.joining(", ")),
                    outcome);
        }
    }

    /** One node's vote in a round. */
    private record Vote(Kind kind, NodeResult<RedisNode.NodeGrant> result) {
        enum Kind {
            GRANTED,
            QUARANTINED,
            REFUSED,
            FAILED
        }

        String describe() {
            return switch (kind) {
                case GRANTED -> result.node() + " acquired";
                case QUARANTINED ->
                    result.node() + " acquired but restarted " + result.value().uptimeSeconds()
                            + " s ago (vote not counted)";
                case REFUSED ->
                    result.node() + " refused (held by " + result.value().holder() + " for "
                            + result.value().value() + " ms)";
                case FAILED -> String.valueOf(result.failure());
            };
        }
    }

    /**
     * Collects the votes of one round. It decides as soon as a majority granted; otherwise only
     * once every node answered or timed out, so a denial is judged on every vote (a node that
     * fails fast must not make a waiter's round look like a split vote).
     */
    private final class Ballot {
        private final ReentrantLock lock = new ReentrantLock();
        private final List<Vote> votes = new ArrayList<>();
        private final CompletableFuture<List<Vote>> decided = new CompletableFuture<>();

        void add(NodeResult<RedisNode.NodeGrant> result) {
            Vote vote = new Vote(kindOf(result), result);
            List<Vote> snapshot = null;
            lock.lock();
            try {
                votes.add(vote);
                long granted =
                        votes.stream().filter(v -> v.kind == Vote.Kind.GRANTED).count();
                if (granted >= backend.quorum().needed()
                        || votes.size() == backend.quorum().nodes()) {
                    snapshot = List.copyOf(votes);
                }
            } finally {
                lock.unlock();
            }
            if (snapshot != null) {
                decided.complete(snapshot);
            }
        }

        CompletableFuture<List<Vote>> decided() {
            return decided;
        }

        private Vote.Kind kindOf(NodeResult<RedisNode.NodeGrant> result) {
            if (!result.ok()) {
                return Vote.Kind.FAILED;
            }
            if (!result.value().granted()) {
                return Vote.Kind.REFUSED;
            }
            RedlockOptions options = backend.options();
            boolean restartedRecently =
                    options.restartDetection() && result.value().uptimeSeconds() < options.quarantineSeconds();
            return restartedRecently ? Vote.Kind.QUARANTINED : Vote.Kind.GRANTED;
        }
    }
}
