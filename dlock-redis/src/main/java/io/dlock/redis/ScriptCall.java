package io.dlock.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.util.function.Supplier;

/**
 * One run of a script on one server: the command Lettuce sends and the stage its caller gets, in
 * one object, so a call costs no stages of its own. It completes with the reply decoded by the
 * script's {@link ScriptReply}, or exceptionally with the failure translated to dlock's
 * exceptions ({@link RedisFailures}). A server that does not know the script yet (NOSCRIPT,
 * after a restart or SCRIPT FLUSH) is sent its source once with EVAL, which has a command timeout
 * of its own: the timeout of the first request, answered already, no longer applies.
 *
 * <p>The call writes itself to the connection ({@link RespWriter}) from its keys and arguments,
 * and its timeout is kept by the node's {@link CallTimeouts}, not by a timer of its own.
 */
final class ScriptCall<T> extends AsyncCommand<String, String, T> {

    private static final String UNKNOWN_SCRIPT = "NOSCRIPT";
    private static final byte[] EVALSHA = CommandType.EVALSHA.getBytes();
    private static final byte[] EVAL = CommandType.EVAL.getBytes();

    private final ScriptConnection target;
    private final LuaScript script;
    private final Supplier<? extends ScriptReply<T>> replies;
    private final String[] keys;
    private final String[] args;
    private final boolean bySource;
    /** Set once the source was sent: from then on the EVAL's own timeout decides. */
    private volatile boolean sourceSent;
    /** When the call times out, on {@link System#nanoTime()}; guarded by the {@link CallTimeouts}' lock. */
    long deadline;

    private ScriptCall(
            ScriptConnection target,
            LuaScript script,
            Supplier<? extends ScriptReply<T>> replies,
            String[] keys,
            String[] args,
            boolean bySource) {
        super(new Command<>(bySource ? CommandType.EVAL : CommandType.EVALSHA, replies.get()));
        this.target = target;
        this.script = script;
        this.replies = replies;
        this.keys = keys;
        this.args = args;
        this.bySource = bySource;
    }

    /**
     * Sends {@code script} by its SHA-1 on {@code target}.
     *
     * @param replies makes the reply decoder (a second one if the source must be sent)
     * @return the call, completing as the class says
     */
    static <T> ScriptCall<T> send(
            ScriptConnection target,
            LuaScript script,
            Supplier<? extends ScriptReply<T>> replies,
            String[] keys,
            String[] args) {
        return new ScriptCall<>(target, script, replies, keys, args, false).dispatch();
    }

    private ScriptCall<T> dispatch() {
        target.timeouts().track(this);
        target.connection().dispatch(this);
        return this;
    }

    /** Writes {@code EVALSHA sha1 numkeys key... arg...} (EVAL with the source instead of the SHA-1). */
    @Override
    public void encode(ByteBuf buffer) {
        RespWriter.arrayHeader(buffer, 3 + keys.length + args.length);
        RespWriter.bulk(buffer, bySource ? EVAL : EVALSHA);
        RespWriter.bulk(buffer, bySource ? script.sourceBytes() : script.sha1Bytes());
        RespWriter.bulk(buffer, keys.length);
        for (String key : keys) {
            RespWriter.bulk(buffer, key);
        }
        for (String arg : args) {
            RespWriter.bulk(buffer, arg);
        }
    }

    /** The arguments as Lettuce would have built them, for its diagnostics; never used to send the call. */
    @Override
    public CommandArgs<String, String> getArgs() {
        CommandArgs<String, String> arguments = new CommandArgs<>(StringCodec.UTF8)
                .add(bySource ? script.sourceBytes() : script.sha1Bytes())
                .add(keys.length);
        for (String key : keys) {
            arguments.addKey(key);
        }
        for (String arg : args) {
            arguments.addValue(arg);
        }
        return arguments;
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
        return super.completeExceptionally(RedisFailures.translate(failure, target.endpoint()));
    }

    private void sendSource() {
        sourceSent = true;
        new ScriptCall<>(target, script, replies, keys, args, true).dispatch().whenComplete((result, failure) -> {
            if (failure != null) {
                completeExceptionally(failure);
            } else {
                complete(result);
            }
        });
    }
}
