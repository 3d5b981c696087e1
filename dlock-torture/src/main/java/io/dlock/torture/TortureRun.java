package io.dlock.torture;

import io.dlock.servers.ManagedProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Runs one {@link Scenario} end to end: starts the fenced store and the lock cluster, starts the
 * worker JVMs, lets the nemesis loose once they are connected, stops everything at the end and
 * checks the history. Every process and directory it creates is gone when it returns, and also
 * if this JVM is interrupted or killed (they are registered with {@link ManagedProcesses}).
 * With {@code -Ddlock.torture.keep=DIR} the histories and worker logs of each run are copied to
 * {@code DIR} first, for diagnosis.
 */
public final class TortureRun {

    /** How long the workers get to start and connect before the run's time counts. */
    private static final Duration START_UP = Duration.ofSeconds(20);

    private static final Duration ACQUIRE_WAIT = Duration.ofSeconds(2);
    private static final String KEEP_PROPERTY = "dlock.torture.keep";

    private TortureRun() {}

    /**
     * Runs {@code scenario} and checks it. Failures during the run (a worker that died, a fault
     * that could not be injected) are reported in {@link RunResult#problems()}; only failures to
     * start are thrown. A scenario with {@link Fault#PARTITION} runs in a JVM of its own inside a
     * private network namespace, or, where that cannot be had (not root, no iptables), is
     * skipped: announced on standard error and in {@link RunResult#skipped()}.
     *
     * @return what the checker found, the faults injected and the harness's problems
     * @throws IllegalStateException if a server does not start or answer in time, or a partitioned
     *     run's isolated JVM failed without a result
     * @throws java.io.UncheckedIOException if a server, a proxy or a worker JVM cannot be started,
     *     or the run's directory cannot be written or read
     * @throws InterruptedException if interrupted; everything started is stopped
     */
    public static RunResult run(Scenario scenario) throws InterruptedException {
        if (scenario.faults().contains(Fault.PARTITION) && !NetworkIsolation.inside()) {
            return NetworkIsolation.run(scenario);
        }
        Path directory = ManagedProcesses.scratchDirectory("dlock-torture-");
        try (FencedStore store = FencedStore.start();
                LockCluster cluster = LockCluster.start(scenario)) {
            long workersStart = System.nanoTime();
            long stopAt =
                    workersStart + START_UP.toNanos() + scenario.duration().toNanos();
            List<WorkerConfig> configs = new ArrayList<>();
            for (int w = 1; w <= scenario.workers(); w++) {
                configs.add(new WorkerConfig(
                        w,
                        cluster.uriFor(w),
                        store.port(),
                        scenario.locks(),
                        scenario.threadsPerWorker(),
                        scenario.lease(),
                        scenario.holdMin(),
                        scenario.holdMax(),
                        ACQUIRE_WAIT,
                        scenario.mode(),
                        stopAt,
                        directory,
                        scenario.seed() * 1_000 + w));
            }
            List<String> problems = new ArrayList<>();
            try (WorkerFleet fleet = WorkerFleet.start(configs, directory)) {
                int expected = scenario.workers() * scenario.threadsPerWorker();
                long connected = awaitWorkersConnected(fleet, directory, expected, workersStart + START_UP.toNanos());
                if (connected < expected) {
                    problems.add("only " + connected + " of " + expected + " worker threads had connected "
                            + (fleet.anyExited() ? "when a worker exited" : "after " + START_UP.toSeconds() + " s")
                            + ": the run did not test what it claims");
                }
                long ready = System.nanoTime();
                List<Schedule.Planned> plan =
                        Schedule.plan(scenario, cluster.nodes().size());
                List<FaultEvent> events;
                Nemesis nemesis = new Nemesis(cluster, fleet, plan);
                try {
                    nemesis.start();
                    parkUntil(Math.min(stopAt, ready + scenario.duration().toNanos()));
                    nemesis.close(); // stops it after the current fault; then wait for that fault to heal
                    if (!nemesis.await(Duration.ofMinutes(2))) {
                        problems.add("the nemesis did not finish its last fault within 120 s");
                    }
                    events = nemesis.events();
                    problems.addAll(nemesis.failures());
                } finally {
                    nemesis.close();
                }
                cluster.healAll();
                fleet.stopAll();
                problems.addAll(fleet.awaitExit(ACQUIRE_WAIT
                        .plus(scenario.lease().multipliedBy(3))
                        .plus(scenario.holdMax())
                        .plus(Duration.ofSeconds(30))));
                List<Op> history = fleet.history();
                Map<String, List<StoreEntry>> logs = new HashMap<>();
                Map<String, Long> counters = new HashMap<>();
                for (int i = 0; i < scenario.locks(); i++) {
                    String lock = WorkerConfig.lockName(i);
                    logs.put(lock, store.log(lock));
                    counters.put(lock, store.counter(lock));
                }
                CheckResult check = Checker.check(history, logs, counters, events);
                return new RunResult(scenario, check, events, problems, Optional.empty());
            }
        } finally {
            keepIfAsked(directory);
            ManagedProcesses.deleteQuietly(directory);
        }
    }

    /** Copies the run's histories and worker logs to {@code -Ddlock.torture.keep=DIR}, when set. */
    private static void keepIfAsked(Path directory) {
        String keep = System.getProperty(KEEP_PROPERTY);
        if (keep == null) {
            return;
        }
        Path target = Path.of(keep).resolve(directory.getFileName());
        try (Stream<Path> files = Files.list(directory)) {
            Files.createDirectories(target);
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            System.err.println("could not keep the run's files in " + target + ": " + e);
        }
    }

    /**
     * Waits until {@code expected} worker threads have opened their histories (their clients are
     * connected), a worker exits, or {@code deadline} passes; returns how many had.
     */
    private static long awaitWorkersConnected(WorkerFleet fleet, Path directory, int expected, long deadline) {
        long connected = historyFiles(directory);
        while (System.nanoTime() - deadline < 0 && connected < expected && !fleet.anyExited()) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            connected = historyFiles(directory);
        }
        return connected;
    }

    private static long historyFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tsv"))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void parkUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("torture run interrupted");
            }
        }
    }
}
