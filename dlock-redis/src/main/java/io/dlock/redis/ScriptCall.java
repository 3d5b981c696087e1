package io.dlock.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.function.Supplier;

/**
 * One run of a script on one server: the command Lettuce sends and the stage its caller gets, in
 * one object, so a call costs no stages of its own. It completes with the reply decoded by the
 * script's {@link ScriptReply}, or exceptionally with the failure translated to dlock's
 * exceptions ({@link RedisFailures}). A server that does not know the script yet (NOSCRIPT,
 * after a restart or SCRIPT FLUSH) is sent its source once with EVAL, which has a command timeout
 * of its own: the timeout of the first request, answered already, no longer applies.
 */
final class ScriptCall<T> extends AsyncCommand<String, String, T> {

    private static final String UNKNOWN_SCRIPT = "NOSCRIPT";

    private final StatefulRedisConnection<String, String> connection;
    private final RedisEndpoint endpoint;
    private final LuaScript script;
    private final Supplier<? extends ScriptReply<T>> replies;
    private final String[] keys;
    private final String[] args;
    private final boolean bySource;
    /** Set once the source was sent: from then on the EVAL's own timeout decides. */
    private volatile boolean sourceSent;

    private ScriptCall(
            StatefulRedisConnection<String, String> connection,
            RedisEndpoint endpoint,
            LuaScript script,
            Supplier<? extends ScriptReply<T>> replies,
            String[] keys,
            String[] args,
            boolean bySource) {
        super(new Command<>(
                bySource ? CommandType.EVAL : CommandType.EVALSHA,
                replies.get(),
                arguments(bySource ? script.sourceBytes() : script.sha1Bytes(), keys, args)));
        this.connection = connection;
        this.endpoint = endpoint;
        this.script = script;
        this.replies = replies;
        this.keys = keys;
        this.args = args;
        this.bySource = bySource;
    }

    /**
     * Sends {@code script} by its SHA-1 on {@code connection}.
     *
     * @param replies makes the reply decoder (a second one if the source must be sent)
     * @return the call, completing as the class says
     */
    static <T> ScriptCall<T> send(
            StatefulRedisConnection<String, String> connection,
            RedisEndpoint endpoint,
            LuaScript script,
            Supplier<? extends ScriptReply<T>> replies,
            String[] keys,
            String[] args) {
        ScriptCall<T> call = new ScriptCall<>(connection, endpoint, script, replies, keys, args, false);
        connection.dispatch(call);
        return call;
    }

    /**
     * The reply was decoded: completes with its result, or sends the source if the server lacks
     * the script. A reply to a call that already ended (it timed out) is dropped undecoded.
     */
    @Override
    public void complete() {
        if (isDone()) {
            return;
        }
        String error = getOutput().getError();
        if (error != null && !bySource && error.startsWith(UNKNOWN_SCRIPT)) {
            sendSource();
            return;
        }
        if (error != null) {
            completeExceptionally(new RedisCommandExecutionException(error));
            return;
        }
        try {
            getOutput().get();
        } catch (RuntimeException e) {
            completeExceptionally(e);
            return;
        }
        super.complete();
    }

    /**
     * Fails the call with {@code failure} as dlock's exception naming the server; a timeout of the
     * first request is ignored once the source was sent in answer to it.
     */
    @Override
    public boolean completeExceptionally(Throwable failure) {
        if (sourceSent && failure instanceof RedisCommandTimeoutException) {
            return false;
        }
        return super.completeExceptionally(RedisFailures.translate(failure, endpoint));
    }

    private void sendSource() {
        sourceSent = true;
        ScriptCall<T> eval = new ScriptCall<>(connection, endpoint, script, replies, keys, args, true);
        connection.dispatch(eval);
        eval.whenComplete((result, failure) -> {
            if (failure != null) {
                completeExceptionally(failure);
            } else {
                complete(result);
            }
        });
    }

    private static CommandArgs<String, String> arguments(byte[] script, String[] keys, String[] args) {
        CommandArgs<String, String> arguments =
                new CommandArgs<>(StringCodec.UTF8).add(script).add(keys.length);
        for (String key : keys) {
            arguments.addKey(key);
        }
        for (String arg : args) {
            arguments.addValue(arg);
        }
        return arguments;
    }
}
