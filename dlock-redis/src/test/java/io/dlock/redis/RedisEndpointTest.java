package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.LockClient;
import org.junit.jupiter.api.Test;

/** Parsing and redaction of Redis URIs, without servers. */
class RedisEndpointTest {

    @Test
    void redactionHidesEveryFormOfPasswordAndKeepsTheRest() {
        assertThat(RedisEndpoint.redact("redis://alice:s3cret@host:6379/2")).isEqualTo("redis://alice:***@host:6379/2");
        assertThat(RedisEndpoint.redact("redis://alice:p@ss/w:rd@host:6379")).isEqualTo("redis://alice:***@host:6379");
        assertThat(RedisEndpoint.redact("redis://:s3cret@host")).isEqualTo("redis://:***@host");
        assertThat(RedisEndpoint.redact("redis://s3cret@host")).as("Lettuce's password-only form")
                .isEqualTo("redis://***@host");
        assertThat(RedisEndpoint.redact("redis://h1:1,rediss://:pw@h2:2?trustStorePassword=tp&timeout=1s"))
                .isEqualTo("redis://h1:1,rediss://:***@h2:2?trustStorePassword=***&timeout=1s");
        assertThat(RedisEndpoint.redact("redlock://u:pw@h1:1,h2:2,h3:3")).isEqualTo("redlock://u:***@h1:1,h2:2,h3:3");
        assertThat(RedisEndpoint.redact("redis://host:6379?timeout=2s")).isEqualTo("redis://host:6379?timeout=2s");
    }

    @Test
    void aMalformedUriIsRefusedWithoutItsPassword() {
        assertThatThrownBy(() -> LockClient.connect("redis://:pa ss@host:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa ss"));
        assertThatThrownBy(() -> LockClient.connect("redis://u:hush@host:6379?bogus=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hush"));
        assertThatThrownBy(() -> LockClient.connect("redis://u:p@ss@host:notaport"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("p@ss"));
    }
}
