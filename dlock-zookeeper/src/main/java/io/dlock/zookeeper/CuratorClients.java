package io.dlock.zookeeper;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.data.ACL;

/**
 * Builds the Curator client of an endpoint: servers, root (as Curator namespace), timeouts,
 * digest credentials with their ACLs, and TLS.
 *
 * <p>Curator is told not to retry: a failed call fails its stage at once and the engine decides
 * when to try again. The ensemble tracker is off, so the servers' own configuration never
 * replaces the servers named in the URI (a proxy or a load balancer in between stays in use).
 */
final class CuratorClients {

    /**
     * With credentials, nodes grant everything to their creator's identity and only reading to
     * everyone else: only a client with the same credentials can delete a lock's nodes (deleting
     * a node needs the delete right on its parent, which is a node of the same kind).
     */
    static final List<ACL> AUTHENTICATED_ACL = Collections.unmodifiableList(Arrays.asList( // contains(null) must work
            new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

    private CuratorClients() {}

    /** A client for {@code endpoint}, not yet started, whose ZooKeeper handles {@code handles} makes. */
    static CuratorFramework create(ZooKeeperEndpoint endpoint, CurrentHandle handles) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .zookeeperFactory(handles)
                .connectString(endpoint.connectString())
                .namespace(endpoint.namespace())
                .sessionTimeoutMs(Math.toIntExact(endpoint.sessionTimeout().toMillis()))
                .connectionTimeoutMs(
                        Math.toIntExact(endpoint.connectionTimeout().toMillis()))
                .retryPolicy(new RetryNTimes(0, 0))
                .ensembleTracker(false)
                .zkClientConfig(clientConfig(endpoint));
        endpoint.credentials().ifPresent(credentials -> builder.authorization("digest", credentials.digest())
                .aclProvider(fixedAcl(AUTHENTICATED_ACL)));
        return builder.build();
    }

    private static ZKClientConfig clientConfig(ZooKeeperEndpoint endpoint) {
        ZKClientConfig config = new ZKClientConfig();
        endpoint.tls().ifPresent(tls -> {
            config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            config.setProperty(
                    ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
            try (ClientX509Util x509 = new ClientX509Util()) {
                tls.trustStore().ifPresent(path -> config.setProperty(x509.getSslTruststoreLocationProperty(), path));
                tls.trustStorePassword().ifPresent(pw -> config.setProperty(x509.getSslTruststorePasswdProperty(), pw));
                tls.keyStore().ifPresent(path -> config.setProperty(x509.getSslKeystoreLocationProperty(), path));
                tls.keyStorePassword().ifPresent(pw -> config.setProperty(x509.getSslKeystorePasswdProperty(), pw));
            }
        });
        return config;
    }

    private static ACLProvider fixedAcl(List<ACL> acl) {
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }
}
