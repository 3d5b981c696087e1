package io.dlock.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * The scenarios: uncontended latency with one thread; throughput of eight threads on distinct
 * names; hand-offs of eight threads on one name (the average hand-off gap is the inverse of the
 * throughput, since the critical section is empty).
 */
public class LockBenchmarks {

    /** Acquire + release from one thread, no contention: the latency a caller pays. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void uncontended(LockBenchmarkState state) throws Exception {
        state.driver.acquireRelease("bench:uncontended", false);
    }

    /** Eight threads, each on its own lock: how well one client multiplexes. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(8)
    public void distinctNames(LockBenchmarkState state, ThreadName thread) throws Exception {
        state.driver.acquireRelease(thread.name, false);
    }

    /** Eight threads on one lock, each waiting its turn: hand-offs per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(8)
    public void oneName(LockBenchmarkState state) throws Exception {
        state.driver.acquireRelease("bench:one", true);
    }
}
