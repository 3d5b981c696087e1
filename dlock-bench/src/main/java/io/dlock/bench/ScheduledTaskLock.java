package io.dlock.bench;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.shedlock.DlockLockProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The ways of taking and giving back a scheduled task's lock on one Redis node, as ShedLock's
 * executor does for each run: one attempt that does not wait, a fixed lease of
 * {@code lockAtMostFor}, and a release with no {@code lockAtLeastFor} left.
 */
public enum ScheduledTaskLock {
    /** dlock's own API, the figure the adapter is measured against: a fixed lease, then close. */
    DLOCK,
    /** ShedLock's {@code LockProvider} on dlock ({@code dlock-shedlock}). */
    DLOCK_SHEDLOCK,
    /** ShedLock's own Redis provider (Spring Data Redis on Lettuce): SET NX PX, then DEL. */
    SHEDLOCK_REDIS;

    static final Duration LOCK_AT_MOST_FOR = Duration.ofMinutes(1);

    /** Takes and gives back one lock per call. */
    interface Driver extends AutoCloseable {
        void lockUnlock(String name);

        @Override
        void close();
    }

    Driver open(String redisHostAndPort) {
        return switch (this) {
            case DLOCK -> dlock(redisHostAndPort);
            case DLOCK_SHEDLOCK -> {
                LockClient client = LockClient.connect("redis://" + redisHostAndPort);
                yield shedLock(new DlockLockProvider(client), client::close);
            }
            case SHEDLOCK_REDIS -> {
                URI address = URI.create("redis://" + redisHostAndPort);
                LettuceConnectionFactory connections = new LettuceConnectionFactory(
                        new RedisStandaloneConfiguration(address.getHost(), address.getPort()));
                connections.afterPropertiesSet();
                connections.start();
                yield shedLock(new RedisLockProvider(connections, "bench"), connections::destroy);
            }
        };
    }

    private static Driver dlock(String redisHostAndPort) {
        LockClient client = LockClient.connect("redis://" + redisHostAndPort);
        return new Driver() {
            @Override
            public void lockUnlock(String name) {
                try {
                    Lease lease = client.lock(name)
                            .tryAcquire(Duration.ZERO, LOCK_AT_MOST_FOR)
                            .orElseThrow();
                    lease.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static Driver shedLock(LockProvider provider, Runnable closer) {
        return new Driver() {
            @Override
            public void lockUnlock(String name) {
                provider.lock(new LockConfiguration(Instant.now(), name, LOCK_AT_MOST_FOR, Duration.ZERO))
                        .orElseThrow(() -> new IllegalStateException("'" + name + "' was taken"))
                        .unlock();
            }

            @Override
            public void close() {
                closer.run();
            }
        };
    }
}
