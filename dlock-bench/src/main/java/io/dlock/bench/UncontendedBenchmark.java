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

/** Uncontended acquire + release from one thread: the latency a caller pays per critical section. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UncontendedBenchmark {

    @Param
    public Implementation implementation;

    private BenchServers servers;
    private LockDriver driver;

    @Setup(Level.Trial)
    public void start() {
        servers = new BenchServers();
        driver = implementation.open(servers);
    }

    @TearDown(Level.Trial)
    public void stop() {
        driver.close();
        servers.close();
    }

    @Benchmark
    public void acquireRelease() throws Exception {
        driver.acquireRelease("bench:uncontended");
    }
}
