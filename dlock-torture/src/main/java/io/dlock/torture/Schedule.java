package io.dlock.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The nemesis's plan, drawn from the scenario's seed: which fault, when, for how long, against
 * which server or worker. The same scenario always gives the same plan; only the exact moments
 * at which the faults land in the workers' cycles vary from run to run. The faults come in
 * rounds, each a shuffle of all the scenario's faults, so a run long enough for one round sees
 * every one of them.
 */
final class Schedule {

    /** A ZooKeeper partition's {@link Planned#second}: the leader is cut off with the worker. */
    static final int LEADER = 0;
    /** A ZooKeeper partition's {@link Planned#second}: a follower is cut off with the worker. */
    static final int FOLLOWER = 1;
    /** Quiet time before the first fault, so every worker is up. */
    static final Duration WARM_UP = Duration.ofSeconds(1);
    /** Quiet time after the last fault is healed, to measure recovery. */
    static final Duration COOL_DOWN = Duration.ofSeconds(2);

    /**
     * One planned fault.
     *
     * @param fault what to do
     * @param at when, from the nemesis's start
     * @param length how long the fault lasts before it is healed
     * @param target the server (index into the cluster's nodes) or worker (from 1); for
     *     {@link Fault#PARTITION}, Redis: the worker cut off; ZooKeeper: the worker left with the
     *     leader; Redlock: the node cut off
     * @param second for {@link Fault#ROLLING_RESTART}, the server restarted empty while the target
     *     is down; for a Redlock {@link Fault#PARTITION}, the worker left with the node, or 0 for
     *     none (the node is cut off from every worker); for a ZooKeeper {@link Fault#PARTITION},
     *     which member is cut off with the worker: {@link #LEADER} or {@link #FOLLOWER}, in turn
     * @param amount for {@link Fault#LATENCY} the added latency, for {@link Fault#CLOCK_JUMP} the jump;
     *     zero otherwise
     */
    record Planned(Fault fault, Duration at, Duration length, int target, int second, Duration amount) {}

    private Schedule() {}

    /** Draws the plan for {@code scenario} on a cluster of {@code nodes} servers. */
    static List<Planned> plan(Scenario scenario, int nodes) {
        List<Fault> faults =
                scenario.faults().stream().filter(f -> f != Fault.NONE).sorted().toList();
        List<Planned> plan = new ArrayList<>();
        if (faults.isEmpty()) {
            return plan;
        }
        SplittableRandom random = new SplittableRandom(scenario.seed());
        long lease = scenario.lease().toMillis();
        long at = WARM_UP.toMillis();
        long end = scenario.duration().toMillis() - COOL_DOWN.toMillis();
        List<Fault> round = new ArrayList<>();
        int zooKeeperPartitions = 0;
        while (true) {
            if (round.isEmpty()) {
                round.addAll(faults);
                shuffle(round, random);
            }
            Fault fault = round.remove(round.size() - 1);
            long length =
                    switch (fault) {
                        // From an immediate restart (as a supervisor does) to a long outage.
                        case SERVER_CRASH -> between(random, 0, 1_500);
                        case SERVER_PAUSE -> between(random, 300, 2_500);
                        case REDIS_DEBUG_SLEEP -> between(random, 300, 2_000);
                        case ROLLING_RESTART -> between(random, 800, 1_500);
                        case CLIENT_PAUSE -> between(random, lease * 3 / 2, lease * 3);
                        case CLIENT_CUT_OFF -> between(random, lease * 3 / 2, lease * 5 / 2);
                        case CONNECTION_DROP, CLOCK_JUMP -> 0;
                        case LATENCY -> between(random, 1_000, 4_000);
                        // Long enough for a new ZooKeeper leader and the cut-off sessions' expiry.
                        case PARTITION -> between(random, lease * 5 / 2, lease * 4);
                        case NONE -> throw new IllegalStateException("NONE is not planned");
                    };
            if (at + length > end) {
                return plan;
            }
            boolean redlockPartition = fault == Fault.PARTITION && scenario.backend() == BackendKind.REDLOCK;
            boolean onWorker = fault == Fault.CLIENT_PAUSE
                    || fault == Fault.CLIENT_CUT_OFF
                    || fault == Fault.CONNECTION_DROP
                    || fault == Fault.CLOCK_JUMP
                    || (fault == Fault.PARTITION && !redlockPartition);
            int target = onWorker ? 1 + random.nextInt(scenario.workers()) : random.nextInt(nodes);
            boolean zooKeeperPartition = fault == Fault.PARTITION && scenario.backend() == BackendKind.ZOOKEEPER;
            int second = redlockPartition
                    ? random.nextInt(scenario.workers() + 1)
                    : zooKeeperPartition
                            ? (zooKeeperPartitions++ % 2 == 0 ? LEADER : FOLLOWER)
                            : onWorker || nodes == 1 ? target : (target + 1 + random.nextInt(nodes - 1)) % nodes;
            long amount =
                    switch (fault) {
                        case LATENCY -> between(random, 20, 200);
                        case CLOCK_JUMP -> between(random, lease, lease * 3);
                        default -> 0;
                    };
            plan.add(new Planned(
                    fault,
                    Duration.ofMillis(at),
                    Duration.ofMillis(length),
                    target,
                    second,
                    Duration.ofMillis(amount)));
            at += length + between(random, 500, 2_000);
        }
    }

    /** Fisher-Yates, with the plan's own random source. */
    private static void shuffle(List<Fault> faults, SplittableRandom random) {
        for (int i = faults.size() - 1; i > 0; i--) {
            faults.set(i, faults.set(random.nextInt(i + 1), faults.get(i)));
        }
    }

    private static long between(SplittableRandom random, long min, long max) {
        return min + random.nextLong(max - min + 1);
    }
}
