package io.dlock.redis;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the reply of one script as it arrives, straight into the caller's result: no generic
 * list of the reply's fields is built on the way (this is every lock's hot path). A reply of
 * another shape than the script's fails the call with a message naming it.
 */
abstract class ScriptReply<T> extends CommandOutput<String, String, T> {

    ScriptReply() {
        super(StringCodec.UTF8, null);
    }

    /**
     * The result, computed once the whole reply was decoded.
     *
     * @throws IllegalStateException if the reply has another shape than the script's
     */
    abstract T result();

    /** The result, computed at the first call, once the whole reply was decoded. */
    @Override
    public final T get() {
        if (output == null) {
            output = result();
        }
        return output;
    }

    /** The reply of a script that answers 1 or 0 (release, raise): true for 1. */
    static final class Flag extends ScriptReply<Boolean> {
        private long value = -1;

        @Override
        public void set(long integer) {
            value = integer;
        }

        @Override
        Boolean result() {
            if (value != 0 && value != 1) {
                throw new IllegalStateException("expected 1 or 0 from the script, got " + value);
            }
            return value == 1;
        }
    }

    /**
     * The reply of acquire.lua, {@code {1, token, uptime}} or {@code {0, pttl, uptime, holder}},
     * as a {@link RedisNode.NodeGrant}.
     */
    static final class Grant extends ScriptReply<RedisNode.NodeGrant> {
        private final String owner;
        private int fields;
        private boolean granted;
        private long value;
        private long uptimeSeconds;
        private @Nullable String holder;

        /** @param owner the requesting owner: the holder when granted */
        Grant(String owner) {
            this.owner = owner;
        }

        @Override
        public void set(long integer) {
            switch (fields++) {
                case 0 -> granted = integer == 1;
                case 1 -> value = integer;
                case 2 -> uptimeSeconds = integer;
                default -> {} // not the script's reply: result() says so
            }
        }

        @Override
        public void set(@Nullable ByteBuffer bytes) {
            if (fields++ == 3 && bytes != null) {
                holder = decodeString(bytes);
            }
        }

        @Override
        RedisNode.NodeGrant result() {
            String holding = granted ? owner : holder;
            if (fields != (granted ? 3 : 4) || holding == null) {
                throw new IllegalStateException("unexpected reply to the acquire script (" + fields + " fields)");
            }
            return new RedisNode.NodeGrant(granted, value, uptimeSeconds, holding);
        }
    }

    /**
     * A flat array of integers and strings, for the scripts off the hot path (renew, inspect):
     * an integer is a {@link Long}, a string a {@link String}.
     */
    static final class Fields<T> extends ScriptReply<T> {
        private final Function<List<Object>, T> convert;
        private final List<Object> values = new ArrayList<>();

        Fields(Function<List<Object>, T> convert) {
            this.convert = convert;
        }

        @Override
        public void set(long integer) {
            values.add(integer);
        }

        @Override
        public void set(@Nullable ByteBuffer bytes) {
            values.add(bytes == null ? "" : decodeString(bytes));
        }

        @Override
        T result() {
            return convert.apply(values);
        }
    }
}
