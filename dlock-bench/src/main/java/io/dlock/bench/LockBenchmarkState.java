package io.dlock.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The implementation under test, opened once per trial and shared by the benchmark's threads. */
@State(Scope.Benchmark)
public class LockBenchmarkState {

    @Param
    public Implementation implementation;

    LockDriver driver;
    private BenchServers servers;

    @Setup(Level.Trial)
    public void open() throws Exception {
        servers = new BenchServers();
        driver = implementation.open(servers);
    }

    @TearDown(Level.Trial)
    public void close() {
        driver.close();
        servers.close();
    }
}
