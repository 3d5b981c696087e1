package io.dlock.examples.boot;

import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The storage the report is written to: one value in Redis behind a Lua script that refuses a
 * write whose fencing token is lower than one it has seen, so a holder whose lock ran out cannot
 * overwrite the work of the next. It logs every write, done or refused, in the order it ran them.
 */
@Component
class FencedStore {

    static final String HIGHEST = "example:store:highest";
    static final String VALUE = "example:store:value";
    static final String LOG = "example:store:log";

    private static final RedisScript<Long> FENCED_WRITE =
            RedisScript.of(new ClassPathResource("fenced_write.lua"), Long.class);

    private final StringRedisTemplate redis;

    FencedStore(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Writes {@code value} under {@code fencingToken}; false if the store has seen a higher token. */
    boolean write(long fencingToken, String value) {
        Long written =
                redis.execute(FENCED_WRITE, List.of(HIGHEST, VALUE, LOG), String.format("%020d", fencingToken), value);
        return written != null && written == 1;
    }
}
