package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** URI parsing: defaults, every parameter, and rejections that never repeat a password. */
class ZooKeeperEndpointTest {

    @Test
    void defaults() {
        ZooKeeperEndpoint endpoint = ZooKeeperEndpoint.parse("zk://h1:2181,h2,h3:2182");
        assertThat(endpoint.connectString()).isEqualTo("h1:2181,h2:2181,h3:2182");
        assertThat(endpoint.root()).isEqualTo("/dlock");
        assertThat(endpoint.namespace()).isEqualTo("dlock");
        assertThat(endpoint.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(endpoint.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(endpoint.mode()).isEqualTo(LockMode.FAIR);
        assertThat(endpoint.suspendPolicy()).isEqualTo(SuspendPolicy.LOSE);
        assertThat(endpoint.credentials()).isEmpty();
        assertThat(endpoint.tls()).isEmpty();
    }

    @Test
    void everyParameter() {
        ZooKeeperEndpoint endpoint = ZooKeeperEndpoint.parse("zks://alice:p%40ss@h1:2281/apps/locks/"
                + "?sessionTimeout=4s&connectionTimeout=500ms&mode=simple&onSuspend=grace"
                + "&trustStore=/etc/trust.p12&trustStorePassword=tpw");
        assertThat(endpoint.root()).isEqualTo("/apps/locks");
        assertThat(endpoint.credentials().orElseThrow().user()).isEqualTo("alice");
        assertThat(endpoint.credentials().orElseThrow().password()).isEqualTo("p@ss");
        assertThat(endpoint.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(endpoint.connectionTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(endpoint.mode()).isEqualTo(LockMode.SIMPLE);
        assertThat(endpoint.suspendPolicy()).isEqualTo(SuspendPolicy.GRACE);
        assertThat(endpoint.tls().orElseThrow().trustStore()).contains("/etc/trust.p12");
        assertThat(endpoint.toString())
                .isEqualTo("zks://alice@h1:2281/apps/locks")
                .doesNotContain("p@ss");
        assertThat(ZooKeeperEndpoint.parse("zk://h?tls=true").tls()).isPresent();
        assertThat(ZooKeeperEndpoint.parse("zk://h?sessionTimeout=1.5s").sessionTimeout())
                .as("the duration grammar every backend shares")
                .isEqualTo(Duration.ofMillis(1_500));
    }

    @Test
    void malformedUrisNameTheFaultWithoutThePassword() {
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://u:secret-pw@h?sessionTimeout=ten"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionTimeout")
                .hasMessageNotContaining("secret-pw");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://u:secret-pw@h?mode=unfair"))
                .hasMessageContaining("fair, simple")
                .hasMessageNotContaining("secret-pw");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?onSuspend=ignore"))
                .hasMessageContaining("lose, grace");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?sessionTimeout=1ms"))
                .hasMessageContaining("100ms");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h:99999")).hasMessageContaining("99999");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h1:2181,/locks"))
                .as("a server list ending in a comma")
                .hasMessageContaining("malformed server ''");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h/a//b")).hasMessageContaining("root path");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h/zookeeper")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?trustStore=/x"))
                .hasMessageContaining("TLS");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?keyStorePassword=kpw&x=1"))
                .hasMessageContaining("x")
                .hasMessageNotContaining("kpw");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("redis://h")).hasMessageContaining("zk://");
    }

    @Test
    void aPasswordWithARawAtSignIsParsedAndRedactedWhole() {
        ZooKeeperEndpoint endpoint = ZooKeeperEndpoint.parse("zk://alice:p@ss@w0rd@h1:2181/locks");
        assertThat(endpoint.credentials().orElseThrow().password()).isEqualTo("p@ss@w0rd");
        assertThat(endpoint.connectString()).isEqualTo("h1:2181");
        assertThat(ZooKeeperEndpoint.redact("zk://alice:p@ss@w0rd@h1:2181/locks?mode=simple"))
                .isEqualTo("zk://alice:***@h1:2181/locks?mode=simple");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://alice:p@ss@w0rd@h1:2181?mode=unfair"))
                .hasMessageContaining("zk://alice:***@h1:2181")
                .hasMessageNotContaining("ss")
                .hasMessageNotContaining("w0rd");
    }

    @Test
    void aPasswordCutShortByARawSlashOrQuestionMarkIsRefusedWithoutShowingIt() {
        for (String uri : List.of(
                "zk://alice:se/cret-pw@h1:2181/locks",
                "zk://alice:se?cret-pw@h1:2181",
                "zk://alice:se?x=cret-pw@h1",
                "zk://alice:se/cret-pw@h1?mode=unfair")) {
            assertThatThrownBy(() -> ZooKeeperEndpoint.parse(uri))
                    .as(uri)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("percent-encode")
                    .hasMessageContaining("zk://alice:***@h1")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("se/", "se?", "cret", "x="));
        }
    }

    @Test
    void malformedPercentEncodingQuotesNothingOfTheSecret() {
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://alice:pw%zzsecret@h1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the password")
                .hasMessageNotContaining("zz")
                .hasNoCause();
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zks://h1?trustStorePassword=tp%zzsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword")
                .hasMessageNotContaining("zz")
                .hasNoCause();
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://alice:pw-secret@h1?trustStore=%4"))
                .hasMessageContaining("parameter 'trustStore'")
                .hasMessageNotContaining("pw-secret")
                .hasNoCause();
    }

    @Test
    void percentEncodedReservedCharactersInAPasswordWork() {
        ZooKeeperEndpoint endpoint = ZooKeeperEndpoint.parse("zk://alice:a%2Fb%3Fc%40d%25e+f@h1/locks");
        assertThat(endpoint.credentials().orElseThrow().password()).isEqualTo("a/b?c@d%e+f");
        assertThat(endpoint.root()).isEqualTo("/locks");
    }
}
