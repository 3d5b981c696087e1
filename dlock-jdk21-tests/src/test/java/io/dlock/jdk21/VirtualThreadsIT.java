package io.dlock.jdk21;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.DistributedLock;
import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.ManagedProcesses;
import io.dlock.servers.RedisServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dlock on virtual threads: 10,000 of them contend for 100 locks of one client on a real Redis,
 * half through {@code acquire}/{@code close}, half through the {@code Lock} view. No carrier is
 * pinned (JFR records no {@code jdk.VirtualThreadPinned} event, at any duration), mutual exclusion
 * holds, and the JVM's platform threads stay a small fixed set: dlock's own threads, Lettuce's
 * event loops and the virtual threads' carriers, not one per waiting thread.
 */
class VirtualThreadsIT {

    static final int THREADS = 10_000;
    static final int LOCKS = 100;
    static final Duration WAIT = Duration.ofMinutes(5);
    /**
     * Platform threads beyond those alive before the run: the carriers (one per core, more only
     * when the scheduler makes up for pinned ones), the client's callback threads, Lettuce's and
     * JFR's own. Seen on 2 cores: 7. One per waiting virtual thread would be 10,000.
     */
    static final int EXTRA_PLATFORM_THREADS = 16 + 2 * Runtime.getRuntime().availableProcessors();

    static RedisServer server;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void theDetectorSeesAPinnedCarrier() throws Exception {
        List<RecordedEvent> pinned = recordPinnedEvents(() -> {
            Thread.ofVirtual()
                    .name("pins-in-a-class-initializer")
                    .start(ParksWhileInitialized::touch)
                    .join();
        });
        assertThat(pinned)
                .as("a virtual thread that parks in a class initializer pins its carrier")
                .isNotEmpty();
    }

    @Test
    void tenThousandVirtualThreadsOnAHundredLocksPinNoCarrier() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicInteger[] inside = new AtomicInteger[LOCKS];
        int[] counters = new int[LOCKS];
        for (int i = 0; i < LOCKS; i++) {
            inside[i] = new AtomicInteger();
        }
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger overlaps = new AtomicInteger();
        int platformBefore;
        long took;
        List<RecordedEvent> pinned;
        try (LockClient client = LockClient.connect(server.uri())) {
            // Connections, the timer and the pub/sub link exist before the count starts.
            client.lock("vt:warm-up").acquire(WAIT).close();
            platformBefore = threads.getThreadCount();
            threads.resetPeakThreadCount();
            long start = System.nanoTime();
            pinned = recordPinnedEvents(() -> {
                List<Thread> started = new ArrayList<>(THREADS);
                for (int t = 0; t < THREADS; t++) {
                    int index = t % LOCKS;
                    boolean lockView = t % 2 == 0;
                    DistributedLock lock = client.lock("vt:" + index);
                    started.add(Thread.ofVirtual().name("contender-" + t).start(() -> {
                        try {
                            if (lockView) {
                                lock.lock();
                                try {
                                    critical(inside[index], counters, index, overlaps);
                                } finally {
                                    lock.unlock();
                                }
                            } else {
                                Lease lease = lock.acquire(WAIT);
                                try {
                                    critical(inside[index], counters, index, overlaps);
                                } finally {
                                    lease.close();
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                for (Thread thread : started) {
                    assertThat(thread.join(WAIT))
                            .as(thread.getName() + " finished")
                            .isTrue();
                }
            });
            took = System.nanoTime() - start;
        }
        int peak = threads.getPeakThreadCount();
        System.out.printf(
                "%,d virtual threads on %d locks: %d ms; platform threads %d before, %d at peak%n",
                THREADS, LOCKS, TimeUnit.NANOSECONDS.toMillis(took), platformBefore, peak);

        assertThat(failures).as("failures in the virtual threads").isEmpty();
        assertThat(overlaps).as("two holders of one lock at once").hasValue(0);
        for (int i = 0; i < LOCKS; i++) {
            assertThat(counters[i]).as("increments under lock vt:" + i).isEqualTo(THREADS / LOCKS);
        }
        assertThat(pinned).as("pinned carriers: %s", describe(pinned)).isEmpty();
        assertThat(peak)
                .as("platform threads at the peak")
                .isLessThanOrEqualTo(platformBefore + EXTRA_PLATFORM_THREADS);
    }

    private static void critical(AtomicInteger inside, int[] counters, int index, AtomicInteger overlaps) {
        if (inside.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
        }
        counters[index]++;
        inside.decrementAndGet();
    }

    /** Runs {@code work} under a JFR recording of every {@code jdk.VirtualThreadPinned} event, and returns them. */
    private static List<RecordedEvent> recordPinnedEvents(Work work) throws Exception {
        Path file = ManagedProcesses.scratchDirectory("jfr").resolve("pinned.jfr");
        try (Recording recording = new Recording()) {
            recording
                    .enable("jdk.VirtualThreadPinned")
                    .withThreshold(Duration.ZERO)
                    .withStackTrace();
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
        }
        return RecordingFile.readAllEvents(file).stream()
                .filter(event -> event.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                .toList();
    }

    private static String describe(List<RecordedEvent> events) {
        StringBuilder text = new StringBuilder();
        for (RecordedEvent event : events.subList(0, Math.min(5, events.size()))) {
            text.append("\n")
                    .append(event.getDuration().toNanos() / 1000)
                    .append(" us on ")
                    .append(event.getThread() == null ? "?" : event.getThread().getJavaName());
            if (event.getStackTrace() != null) {
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    text.append("\n    at ")
                            .append(frame.getMethod().getType().getName())
                            .append('.')
                            .append(frame.getMethod().getName())
                            .append(':')
                            .append(frame.getLineNumber());
                }
            }
        }
        return text.toString();
    }

    /** Work that may throw. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /** A class whose initializer parks: the JVM cannot unmount a virtual thread there. */
    static final class ParksWhileInitialized {
        static {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }

        static void touch() {
            // initializing the class is the point
        }
    }
}
