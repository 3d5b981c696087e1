package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
        assertThat(endpoint.toString()).isEqualTo("zks://alice@h1:2281/apps/locks").doesNotContain("p@ss");
        assertThat(ZooKeeperEndpoint.parse("zk://h?tls=true").tls()).isPresent();
    }

    @Test
    void malformedUrisNameTheFaultWithoutThePassword() {
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://u:secret-pw@h?sessionTimeout=ten"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimeout")
                .hasMessageNotContaining("secret-pw");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://u:secret-pw@h?mode=unfair"))
                .hasMessageContaining("fair, simple").hasMessageNotContaining("secret-pw");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?onSuspend=ignore")).hasMessageContaining("lose, grace");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?sessionTimeout=1ms")).hasMessageContaining("100ms");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h:99999")).hasMessageContaining("99999");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h/a//b")).hasMessageContaining("root path");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h/zookeeper")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?trustStore=/x")).hasMessageContaining("TLS");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("zk://h?keyStorePassword=kpw&x=1"))
                .hasMessageContaining("x").hasMessageNotContaining("kpw");
        assertThatThrownBy(() -> ZooKeeperEndpoint.parse("redis://h")).hasMessageContaining("zk://");
    }
}
