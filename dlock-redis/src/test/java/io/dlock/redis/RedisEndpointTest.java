package io.dlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.LockClient;
import org.junit.jupiter.api.Test;

/** Parsing of Redis URIs, without servers; redaction is the core's ({@code UriSecretsTest}). */
class RedisEndpointTest {

    @Test
    void aMalformedUriIsRefusedWithoutItsPassword() {
        assertThatThrownBy(() -> LockClient.connect("redis://:pa ss@host:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa ss"));
        assertThatThrownBy(() -> LockClient.connect("redis://u:hush@host:6379?bogus=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hush"));
        assertThatThrownBy(() -> LockClient.connect("redis://u:p@ss@host:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("p@ss"));
    }
}
