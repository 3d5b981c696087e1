package io.dlock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.redisson.Redisson;
import org.redisson.RedissonRedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson, the usual Redis lock library, as users take its locks: {@code tryLock} without a
 * lease time, so its watchdog renews the lock, then {@code unlock}.
 */
final class RedissonDriver implements LockDriver {

    /** Which Redisson lock to take. */
    enum Kind {
        LOCK,
        FENCED_LOCK,
        RED_LOCK
    }

    private final List<RedissonClient> clients = new ArrayList<>();
    private final BiFunction<List<RedissonClient>, String, RLock> lockFor;

    // RedissonRedLock is deprecated by Redisson, and it is the peer Redlock these benchmarks measure.
    @SuppressWarnings("deprecation")
    RedissonDriver(Kind kind, List<String> hostsAndPorts) {
        for (String hostAndPort : hostsAndPorts) {
            Config config = new Config();
            config.useSingleServer().setAddress("redis://" + hostAndPort);
            clients.add(Redisson.create(config));
        }
        lockFor = switch (kind) {
            case LOCK -> (all, name) -> all.get(0).getLock(name);
            case FENCED_LOCK -> (all, name) -> all.get(0).getFencedLock(name);
            case RED_LOCK ->
                (all, name) -> new RedissonRedLock(
                        all.stream().map(c -> c.getLock(name)).toArray(RLock[]::new));
        };
    }

    @Override
    public void acquireRelease(String name, boolean wait) throws InterruptedException {
        RLock lock = lockFor.apply(clients, name);
        if (!lock.tryLock(wait ? 30_000 : 0, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("lock " + name + " was taken");
        }
        lock.unlock();
    }

    @Override
    public void close() {
        clients.forEach(RedissonClient::shutdown);
    }
}
