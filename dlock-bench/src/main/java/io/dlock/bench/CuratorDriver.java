package io.dlock.bench;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Apache Curator's {@code InterProcessMutex}, the usual ZooKeeper lock recipe. */
final class CuratorDriver implements LockDriver {

    private final CuratorFramework client;

    CuratorDriver(String connectString) throws InterruptedException {
        client = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(100, 3));
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Curator could not connect to " + connectString);
        }
    }

    @Override
    public void acquireRelease(String name, boolean wait) throws Exception {
        InterProcessMutex mutex = new InterProcessMutex(client, "/curator-bench/" + name.replace(':', '_'));
        if (!mutex.acquire(wait ? 30_000 : 0, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("lock " + name + " was taken");
        }
        mutex.release();
    }

    @Override
    public void close() {
        client.close();
    }
}
