package io.dlock.redis;

import io.dlock.BackendUnavailableException;
import io.dlock.spi.Acquisition;
import io.dlock.spi.AttemptResult;
import io.dlock.spi.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner's acquisition on a Redlock set, following redis.io's "Distributed locks with
 * Redis": each attempt sends the same owner and lease to every node at once; it succeeds when a
 * majority granted and the lease still has validity left after the time the round took minus
 * the drift allowance. A failed attempt releases on every node at once, also those that did
 * not answer, and the engine retries after a jittered delay.
 *
 * <p>The fencing token is settled before the lease is handed out: if the granting majority
 * answered different tokens, the highest is written back to them (raise.lua) and only a
 * majority of acknowledgements makes the grant. See {@link RedlockBackend} for why this keeps
 * tokens increasing.
 */
final class RedlockAcquisition implements Acquisition {

    private static final Logger log = LoggerFactory.getLogger(RedlockBackend.class);
    private static final long SPLIT_VOTE_RETRY_MIN_MILLIS = 5;
    private static final long SPLIT_VOTE_RETRY_MAX_MILLIS = 50;

    private final RedlockBackend backend;
    private final LockRequest request;
    private final Runnable onChange;
    private volatile boolean watching;
    private volatile boolean mayHold;

    RedlockAcquisition(RedlockBackend backend, LockRequest request, Runnable onChange) {
        this.backend = backend;
        this.request = request;
        this.onChange = onChange;
    }

    @Override
    public CompletionStage<AttemptResult> attempt() {
        mayHold = true; // from the first command on, a node may hold this owner's key
        if (!watching) {
            watching = watchEveryNodeIfSubscribed();
        }
        return round().thenCompose(result -> {
            if (result instanceof AttemptResult.Granted) {
                stopWatching();
                return CompletableFuture.completedFuture(result);
            }
            if (watching) {
                return CompletableFuture.completedFuture(result);
            }
            watching = true;
            // Watch every node, then look once more, so a release between the denial and the
            // subscriptions is not missed. A node that cannot subscribe is left to timed retries.
            List<CompletableFuture<Void>> subscriptions = new ArrayList<>();
            for (RedlockNode node : backend.nodes()) {
                node.ready().ifPresent(connected -> subscriptions.add(connected.watch(request.name(), onChange)
                        .toCompletableFuture().exceptionally(failed -> null)));
            }
            return CompletableFuture.allOf(subscriptions.toArray(CompletableFuture[]::new))
                    .thenCompose(all -> round())
                    .thenApply(second -> {
                        if (second instanceof AttemptResult.Granted) {
                            stopWatching();
                        }
                        return second;
                    });
        });
    }

    @Override
    public CompletionStage<Void> abandon() {
        stopWatching();
        if (!mayHold) {
            return CompletableFuture.completedFuture(null);
        }
        // Announced, unlike the clean-up after a round without a majority: a grant that came too
        // late, or whose reply was lost, holds up other clients' waiters.
        return releaseEverywhere(true);
    }

    /**
     * Listens on every node's release channel before the round if all of them are already
     * subscribed (no I/O), so a denied round needs no re-check; otherwise listens nowhere.
     */
    private boolean watchEveryNodeIfSubscribed() {
        List<RedisNode> watched = new ArrayList<>();
        for (RedlockNode node : backend.nodes()) {
            RedisNode connected = node.ready().orElse(null);
            if (connected == null || !connected.watchIfSubscribed(request.name(), onChange)) {
                watched.forEach(n -> n.unwatch(request.name(), onChange));
                return false;
            }
            watched.add(connected);
        }
        return true;
    }

    private void stopWatching() {
        if (watching) {
            watching = false;
            for (RedlockNode node : backend.nodes()) {
                node.ready().ifPresent(connected -> connected.unwatch(request.name(), onChange));
            }
        }
    }

    /** One Redlock round: acquire everywhere, count, settle the token or clean up. */
    private CompletionStage<AttemptResult> round() {
        long start = backend.ticker().nanos();
        long floor = backend.nextTokenFloor();
        Ballot ballot = new Ballot(backend.quorum());
        OptionalLong uptimeWanted = backend.options().restartDetection()
                ? OptionalLong.of(backend.options().quarantineSeconds()) : OptionalLong.empty();
        for (RedlockNode node : backend.nodes()) {
            NodeResult.ask(node, connected -> connected.acquire(request, OptionalLong.of(floor), uptimeWanted))
                    .thenAccept(ballot::add);
        }
        return ballot.decided().thenCompose(votes -> {
            List<Vote> granted = votes.stream().filter(v -> v.kind == Vote.Kind.GRANTED).toList();
            if (granted.size() < backend.quorum().needed()) {
                logRound(votes, "no majority");
                return releaseEverywhere(false).thenApply(released -> failure(votes));
            }
            long token = granted.stream().mapToLong(v -> v.result.value().value()).max().orElseThrow();
            boolean agreed = granted.stream().allMatch(v -> v.result.value().value() == token);
            CompletionStage<Boolean> settled = agreed ? CompletableFuture.completedFuture(true) : raise(granted, token);
            return settled.thenCompose(majority -> {
                Duration elapsed = Duration.ofNanos(backend.ticker().nanos() - start);
                Duration validity = request.lease().minus(elapsed).minus(backend.drift(request.lease()));
                if (!majority || validity.isNegative() || validity.isZero()) {
                    String why = !majority ? "could not settle the fencing token on a majority"
                            : "the round took " + elapsed.toMillis() + " ms, leaving no validity";
                    logRound(votes, why);
                    return releaseEverywhere(false).thenApply(released -> {
                        throw new BackendUnavailableException("Redlock acquisition of '" + request.name() + "': " + why);
                    });
                }
                logRound(votes, "acquired with token " + token + (agreed ? "" : " (raised on the majority)"));
                return CompletableFuture.completedFuture(new AttemptResult.Granted(token));
            });
        });
    }

    /** Writes {@code token} back to the granting nodes; true when a majority acknowledged it. */
    private CompletionStage<Boolean> raise(List<Vote> granted, long token) {
        List<RedlockNode> nodes = granted.stream().map(v -> v.result.node()).toList();
        return NodeResult.fromAll(nodes, node -> node.raise(request.name(), request.owner(), token))
                .thenApply(acks -> {
                    backend.logPerNode("raise of the fencing token to " + token, request, acks);
                    return acks.stream().filter(a -> a.ok() && a.value()).count() >= backend.quorum().needed();
                });
    }

    /**
     * Releases this owner's keys on every node, also those that did not answer.
     *
     * @param announce whether to wake waiters; a round without a majority releases quietly, so
     *     that competing clients retry after their random delays rather than all at once, as the
     *     Redlock page advises
     */
    private CompletionStage<Void> releaseEverywhere(boolean announce) {
        return NodeResult.fromAll(backend.nodes(), node -> node.release(request.name(), request.owner(), announce))
                .thenAccept(results -> backend.logPerNode("release after a failed acquisition", request, results));
    }

    /**
     * What a round without a majority means: unavailable when too few nodes answered for a
     * majority to be possible; denied otherwise. A denied waiter retries when enough of the
     * blocking votes lapse (holders' leases, restarted nodes' quarantines), or after a short
     * random delay when the round was merely split between competing clients, which the
     * Redlock page resolves by desynchronised retries.
     */
    private AttemptResult failure(List<Vote> votes) {
        List<Vote> failed = votes.stream().filter(v -> v.kind == Vote.Kind.FAILED).toList();
        if (backend.quorum().impossible(failed.size())) {
            throw new BackendUnavailableException("Redlock needs " + backend.quorum().needed() + " of "
                    + backend.quorum().nodes() + " nodes; unreachable: "
                    + failed.stream().map(v -> v.result.failure()).collect(Collectors.joining("; ")));
        }
        List<Long> blockedFor = votes.stream()
                .filter(v -> v.kind == Vote.Kind.REFUSED || v.kind == Vote.Kind.QUARANTINED)
                .map(this::blockedForMillis).map(millis -> millis < 0 ? Long.MAX_VALUE : millis).sorted().toList();
        if (blockedFor.size() >= backend.quorum().needed()) {
            // Nodes that granted are free again (released above), and those the round did not
            // wait for may be; the rest of a majority comes free as the blocking votes lapse,
            // the soonest first (unknown lapses sort last).
            long free = votes.stream().filter(v -> v.kind == Vote.Kind.GRANTED).count()
                    + backend.quorum().nodes() - votes.size();
            long lapse = blockedFor.get((int) (backend.quorum().needed() - free) - 1);
            return lapse < Long.MAX_VALUE ? AttemptResult.Denied.holderFor(Duration.ofMillis(lapse))
                    : AttemptResult.Denied.untilNotified();
        }
        return AttemptResult.Denied.holderFor(Duration.ofMillis(
                ThreadLocalRandom.current().nextLong(SPLIT_VOTE_RETRY_MIN_MILLIS, SPLIT_VOTE_RETRY_MAX_MILLIS + 1)));
    }

    /** How long a refusing node stays taken, or a quarantined node stays uncounted; -1 if unknown. */
    private long blockedForMillis(Vote vote) {
        RedisNode.NodeGrant answer = vote.result.value();
        if (vote.kind == Vote.Kind.REFUSED) {
            return answer.value();
        }
        return (backend.options().quarantineSeconds() - answer.uptimeSeconds()) * 1_000;
    }

    private void logRound(List<Vote> votes, String outcome) {
        if (log.isDebugEnabled()) {
            log.debug("lock '{}' owner {}: {} -> {}", request.name(), request.owner(),
                    votes.stream().map(Vote::describe).collect(Collectors.joining(", ")), outcome);
        }
    }

    /** One node's vote in a round. */
    private record Vote(Kind kind, NodeResult<RedisNode.NodeGrant> result) {
        enum Kind { GRANTED, QUARANTINED, REFUSED, FAILED }

        String describe() {
            return switch (kind) {
                case GRANTED -> result.node() + " acquired";
                case QUARANTINED -> result.node() + " acquired but restarted " + result.value().uptimeSeconds()
                        + " s ago (vote not counted)";
                case REFUSED -> result.node() + " refused (held for " + result.value().value() + " ms)";
                case FAILED -> result.failure();
            };
        }
    }

    /**
     * Collects the votes of one round and decides as soon as the outcome is certain: a
     * majority granted, or a majority is no longer possible, or every node answered.
     */
    private final class Ballot {
        private final Quorum quorum;
        private final ReentrantLock lock = new ReentrantLock();
        private final List<Vote> votes = new ArrayList<>();
        private final CompletableFuture<List<Vote>> decided = new CompletableFuture<>();

        Ballot(Quorum quorum) {
            this.quorum = quorum;
        }

        void add(NodeResult<RedisNode.NodeGrant> result) {
            Vote vote = new Vote(kindOf(result), result);
            List<Vote> snapshot = null;
            lock.lock();
            try {
                votes.add(vote);
                long granted = votes.stream().filter(v -> v.kind == Vote.Kind.GRANTED).count();
                if (granted >= quorum.needed() || quorum.impossible((int) (votes.size() - granted))
                        || votes.size() == quorum.nodes()) {
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
            boolean restartedRecently = options.restartDetection()
                    && result.value().uptimeSeconds() < options.quarantineSeconds();
            return restartedRecently ? Vote.Kind.QUARANTINED : Vote.Kind.GRANTED;
        }
    }
}
