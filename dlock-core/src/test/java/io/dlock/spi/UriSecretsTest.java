package io.dlock.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One redaction for every backend's URIs. */
class UriSecretsTest {

    @Test
    void redactionHidesEveryFormOfPasswordAndKeepsTheRest() {
        assertThat(UriSecrets.redact("redis://alice:s3cret@host:6379/2")).isEqualTo("redis://alice:***@host:6379/2");
        assertThat(UriSecrets.redact("redis://alice:p@ss/w:rd@host:6379")).isEqualTo("redis://alice:***@host:6379");
        assertThat(UriSecrets.redact("redis://:s3cret@host")).isEqualTo("redis://:***@host");
        assertThat(UriSecrets.redact("redis://s3cret@host"))
                .as("Lettuce's password-only form")
                .isEqualTo("redis://***@host");
        assertThat(UriSecrets.redact("redis://h1:1,rediss://:pw@h2:2?trustStorePassword=tp&timeout=1s"))
                .isEqualTo("redis://h1:1,rediss://:***@h2:2?trustStorePassword=***&timeout=1s");
        assertThat(UriSecrets.redact("redlock://u:pw@h1:1,h2:2,h3:3")).isEqualTo("redlock://u:***@h1:1,h2:2,h3:3");
        assertThat(UriSecrets.redact("redis://host:6379?timeout=2s")).isEqualTo("redis://host:6379?timeout=2s");
        assertThat(UriSecrets.redact("zk://alice:p@ss?w/rd@h1:2181,h2:2181/locks?sessionTimeout=4s"))
                .isEqualTo("zk://alice:***@h1:2181,h2:2181/locks?sessionTimeout=4s");
        assertThat(UriSecrets.redact("zks://h1:2281?keyStore=k.p12&keyStorePassword=kp&trustStorePassword=tp"))
                .isEqualTo("zks://h1:2281?keyStore=k.p12&keyStorePassword=***&trustStorePassword=***");
    }

    @Test
    void aMessageQuotingTheUriLosesItsSecretsToo() {
        String uri = "zk://alice:s3cret@h1:2181?keyStorePassword=kp";
        assertThat(UriSecrets.scrub("cannot parse 's3cret@h1' nor 'kp'", uri))
                .isEqualTo("cannot parse '***@h1' nor '***'");
    }
}
