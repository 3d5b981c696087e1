package io.dlock.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One scheduled-task lock + unlock, uncontended, on one Redis node: ShedLock through dlock
 * against dlock's own API (what the adapter adds) and against ShedLock's own Redis provider.
 */
public class ShedLockBenchmarks {

    /** The implementation under test, opened once per trial on the fork's Redis. */
    @State(Scope.Benchmark)
    public static class Target {

        @Param
        public ScheduledTaskLock implementation;

        ScheduledTaskLock.Driver driver;
        private BenchServers servers;

        @Setup(Level.Trial)
        public void open() {
            servers = new BenchServers();
            driver = implementation.open(servers.redis(1).get(0));
        }

        @TearDown(Level.Trial)
        public void close() {
            driver.close();
            servers.close();
        }
    }

    /** A task's lock and unlock from one thread: the latency ShedLock adds to each run. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void lockUnlock(Target target) {
        target.driver.lockUnlock("bench:scheduled-task");
    }
}
