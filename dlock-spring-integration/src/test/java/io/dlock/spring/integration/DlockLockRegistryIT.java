package io.dlock.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dlock.Lease;
import io.dlock.LeaseLostException;
import io.dlock.LockClient;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.integration.support.locks.DistributedLock;

/** {@link DlockLockRegistry} as Spring Integration code uses it, on a real Redis. */
class DlockLockRegistryIT {

    static final Duration MARGIN = Duration.ofSeconds(5);

    static RedisServer server;

    private LockClient client;
    private LockClient otherClient;
    private DlockLockRegistry registry;
    private DlockLockRegistry other;
    private String key;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void connect(TestInfo test) {
        client = LockClient.connect(server.uri());
        otherClient = LockClient.connect(server.uri());
        registry = new DlockLockRegistry(client);
        other = new DlockLockRegistry(otherClient);
        key = "si:" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ":" + System.nanoTime();
    }

    @AfterEach
    void close() {
        client.close();
        otherClient.close();
    }

    private boolean otherGets() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    Lock lock = other.obtain(key);
                    boolean got = lock.tryLock();
                    if (got) {
                        lock.unlock();
                    }
                    return got;
                })
                .get(1, TimeUnit.MINUTES);
    }

    @Test
    void locksExcludeOtherRegistriesAndAreReentrantPerThread() throws Exception {
        Lock lock = registry.obtain(key);
        lock.lock();
        assertThat(registry.obtain(key).tryLock()).as("reentrant").isTrue();
        assertThat(otherGets()).isFalse();
        long token = registry.currentLease(key).orElseThrow().fencingToken();
        assertThat(client.inspect(key).holder().orElseThrow().fencingToken()).isEqualTo(token);

        lock.unlock();
        assertThat(otherGets()).as("still held once").isFalse();
        lock.unlock();
        assertThat(registry.currentLease(key)).isEmpty();
        assertThat(otherGets()).isTrue();
    }

    @Test
    void executeLockedRunsUnderTheLock() throws Exception {
        registry.executeLocked(key, () -> assertThat(otherGets()).isFalse());
        assertThat(otherGets()).isTrue();
    }

    @Test
    void renewLockExtendsAFixedLeaseByItsTtl() throws InterruptedException {
        DistributedLock lock = registry.obtain(key);
        Duration ttl = Duration.ofSeconds(2);
        assertThat(lock.tryLock(Duration.ZERO, ttl)).isTrue();
        long start = System.nanoTime();
        Poll.until("half the ttl passed", MARGIN, () -> System.nanoTime() - start > ttl.toNanos() / 2);

        registry.renewLock(key);
        assertThat(client.inspect(key).holder().orElseThrow().remaining().orElseThrow())
                .isGreaterThan(ttl.multipliedBy(3).dividedBy(4));
        registry.renewLock(key, Duration.ofSeconds(20));
        assertThat(client.inspect(key).holder().orElseThrow().remaining().orElseThrow())
                .isGreaterThan(Duration.ofSeconds(15));
        lock.unlock();
        assertThat(client.inspect(key).isHeld()).isFalse();
    }

    @Test
    void renewLockChecksALeaseTheWatchdogRenews() {
        Lock lock = registry.obtain(key);
        lock.lock();
        registry.renewLock(key);
        assertThatThrownBy(() -> registry.renewLock(key, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("watchdog");
        lock.unlock();
    }

    @Test
    void renewLockByAThreadThatDoesNotHoldTheLockIsRefused() {
        assertThatThrownBy(() -> registry.renewLock(key))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not held");
    }

    @Test
    void aLostLeaseIsReportedUntilTheThreadLetsGoOfIt() throws InterruptedException {
        DistributedLock lock = registry.obtain(key);
        assertThat(lock.tryLock(Duration.ZERO, Duration.ofMillis(200))).isTrue();
        Lease lease = registry.currentLease(key).orElseThrow();
        Poll.until("the fixed lease ran out", MARGIN, () -> !lease.isValid());

        assertThatThrownBy(() -> registry.renewLock(key)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(lock::tryLock).as("entering again").isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(LeaseLostException.class);
        assertThat(registry.currentLease(key)).isEmpty();
        assertThat(lock.tryLock()).as("then the lock is taken anew").isTrue();
        assertThat(registry.currentLease(key).orElseThrow().fencingToken()).isGreaterThan(lease.fencingToken());
        lock.unlock();
    }

    @Test
    void keysMustBeStrings() {
        assertThatThrownBy(() -> registry.obtain(42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strings")
                .hasMessageContaining("java.lang.Integer");
    }
}
