package io.dlock;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's default callback executor: lease-lost listeners and asynchronous completions run
 * here, never on a backend's I/O thread and never behind the application's work in a shared pool.
 * A few daemon threads that exist only while there is work; tasks queue in order when all are
 * busy. Closing lets queued tasks finish, then the threads end.
 */
final class CallbackThreads implements Executor, AutoCloseable {

    private static final int THREADS = 2;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final ThreadPoolExecutor pool;

    CallbackThreads(String clientId) {
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(
                THREADS, THREADS, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "dlock-callback-" + count.incrementAndGet() + "-" + clientId);
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} soon; after {@link #close()} it runs on the calling thread, so nothing is dropped. */
    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException closed) {
            task.run();
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
