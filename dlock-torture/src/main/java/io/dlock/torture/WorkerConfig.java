package io.dlock.torture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one worker JVM is told on its command line.
 *
 * @param id the worker's number, from 1
 * @param uri the lock service as this worker reaches it (through its own proxies for ZooKeeper)
 * @param storePort the fenced store's loopback port
 * @param locks how many lock names to choose from
 * @param threads how many looping threads
 * @param lease the client's default lease
 * @param holdMin the shortest hold between read and write
 * @param holdMax the longest hold
 * @param acquireWait how long one acquisition waits
 * @param mode correct or a negative control
 * @param stopAt when to stop starting new cycles, on {@link System#nanoTime()}
 * @param historyDir where each thread writes its history file
 * @param seed the seed of this worker's random choices
 */
record WorkerConfig(
        int id,
        String uri,
        int storePort,
        int locks,
        int threads,
        Duration lease,
        Duration holdMin,
        Duration holdMax,
        Duration acquireWait,
        WorkerMode mode,
        long stopAt,
        Path historyDir,
        long seed) {

    WorkerConfig {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(historyDir, "historyDir");
    }

    /** The lock name of index {@code i}. */
    static String lockName(int i) {
        return "torture-" + i;
    }

    /** This configuration as {@code key=value} arguments. */
    List<String> toArgs() {
        List<String> args = new ArrayList<>();
        args.add("id=" + id);
        args.add("uri=" + uri);
        args.add("storePort=" + storePort);
        args.add("locks=" + locks);
        args.add("threads=" + threads);
        args.add("leaseMs=" + lease.toMillis());
        args.add("holdMinMs=" + holdMin.toMillis());
        args.add("holdMaxMs=" + holdMax.toMillis());
        args.add("acquireWaitMs=" + acquireWait.toMillis());
        args.add("mode=" + mode.name());
        args.add("stopAt=" + stopAt);
        args.add("historyDir=" + historyDir);
        args.add("seed=" + seed);
        return args;
    }

    /**
     * Reads arguments written by {@link #toArgs()}.
     *
     * @throws IllegalArgumentException if one is missing or malformed
     */
    static WorkerConfig fromArgs(String... args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new WorkerConfig(
                Integer.parseInt(required(values, "id")),
                required(values, "uri"),
                Integer.parseInt(required(values, "storePort")),
                Integer.parseInt(required(values, "locks")),
                Integer.parseInt(required(values, "threads")),
                millis(values, "leaseMs"),
                millis(values, "holdMinMs"),
                millis(values, "holdMaxMs"),
                millis(values, "acquireWaitMs"),
                WorkerMode.valueOf(required(values, "mode")),
                Long.parseLong(required(values, "stopAt")),
                Path.of(required(values, "historyDir")),
                Long.parseLong(required(values, "seed")));
    }

    private static Duration millis(Map<String, String> values, String key) {
        return Duration.ofMillis(Long.parseLong(required(values, key)));
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing worker argument " + key);
        }
        return value;
    }
}
