package io.dlock.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One node's answer to a command sent to every node of a Redlock set: a value, or the reason
 * there is none (unreachable, timed out, refused the command).
 *
 * @param answer the node's answer, null when it failed
 * @param failure null when the node answered
 */
record NodeResult<T>(
        RedlockNode node, @Nullable T answer, @Nullable String failure) {

    boolean ok() {
        return failure == null;
    }

    /**
     * The node's answer; ask only when {@link #ok()}.
     *
     * @throws IllegalStateException if the node failed, so has no answer
     */
    T value() {
        if (answer == null) {
            throw new IllegalStateException(node + " has no answer: " + failure);
        }
        return answer;
    }

    /**
     * Sends {@code call} to every node at once (never one after another) and completes when
     * all have answered or failed; each node's wait is bounded by its command timeout.
     */
    static <T> CompletionStage<List<NodeResult<T>>> fromAll(
            List<RedlockNode> nodes, Function<RedisNode, CompletionStage<T>> call) {
        List<CompletableFuture<NodeResult<T>>> results = new ArrayList<>(nodes.size());
        for (RedlockNode node : nodes) {
            results.add(ask(node, call).toCompletableFuture());
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Sends {@code call} to one node; never fails, a failure becomes the result. A node without an
     * open connection is not called at all (the command could not be sent), so {@code call}
     * runs only for commands that may reach the server.
     */
    static <T> CompletionStage<NodeResult<T>> ask(RedlockNode node, Function<RedisNode, CompletionStage<T>> call) {
        RedisNode connected = node.ready().orElse(null);
        if (connected == null || !connected.isConnected()) {
            return CompletableFuture.completedFuture(new NodeResult<>(node, null, node + " not connected"));
        }
        return call.apply(connected)
                .handle((value, error) -> error == null
                        ? new NodeResult<>(node, value, null)
                        : new NodeResult<T>(
                                node,
                                null,
                                RedisFailures.translate(error, node.endpoint()).getMessage()));
    }
}
