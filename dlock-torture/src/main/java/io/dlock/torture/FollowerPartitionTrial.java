package io.dlock.torture;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.servers.ZooKeeperEnsemble;
import io.dlock.servers.ZooKeeperServer;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ZooKeeper holder behind a partitioned follower, as a new user would meet it: a three-server
 * ensemble with ZooKeeper's sample timing ({@code tickTime=2000}, {@code syncLimit=5}), a holder
 * whose client knows only one follower, and a waiter on the other follower. Then the holder's
 * follower is cut off from the leader and the other member (iptables drops the packets of their
 * quorum and election links; nothing is refused), while the holder's own link to its follower
 * stays up; the cut comes just before the holder's client would next send anything, so that the
 * leader's last word of the session is as old as it gets. The follower keeps answering its
 * clients until it misses the leader for
 * {@code syncLimit × tickTime} (10 s); the leader, which no longer hears of the holder's session,
 * expires it after the session timeout and the waiter gets the lock. The trial records, from the
 * moment of the cut, when the holder was told and when its lease last read valid, when the
 * waiter was granted, and how long the follower went on serving.
 *
 * <p>It runs in the partition tier's private network namespace ({@link NetworkIsolation}), so it
 * needs what the tier needs (root, iptables); {@link #unavailable()} says why it cannot run.
 */
public final class FollowerPartitionTrial {

    private static final Map<String, String> SAMPLE_TIMING =
            Map.of("tickTime", "2000", "syncLimit", "5", "initLimit", "10");
    private static final String LOCK = "partitioned";
    /** A line of ZooKeeper's {@code cons}: its session id and the time of its last response. */
    private static final Pattern SESSION_CONNECTION = Pattern.compile("sid=0x([0-9a-f]+),.*?lresp=(\\d+)");

    private static final Duration POLL = Duration.ofMillis(1);
    private static final Duration FOLLOWER_POLL = Duration.ofMillis(100);
    /** How long after the cut the trial waits for the waiter's grant and the holder's loss: far past both bounds. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private FollowerPartitionTrial() {}

    /** Why the trial cannot run on this machine (the partition tier's reason); empty when it can. */
    public static Optional<String> unavailable() {
        return NetworkIsolation.unavailable();
    }

    /**
     * Runs the trial with clients asking for session timeout {@code sessionTimeout}, in a JVM of
     * its own inside a private network namespace.
     *
     * @throws IllegalStateException when the tier cannot run here ({@link #unavailable()}), or the
     *     trial could not be set up (no leader, a server that did not start), naming why
     * @throws InterruptedException if interrupted; everything the trial started is stopped
     */
    public static Observation run(Duration sessionTimeout) throws InterruptedException {
        return NetworkIsolation.runInside(new Task(sessionTimeout), Observation.class);
    }

    /**
     * What the trial saw; every time counts from the cut.
     *
     * @param sessionTimeout the session timeout the clients asked for
     * @param follower the holder's follower, cut off
     * @param leader the leader, which kept its quorum with the other follower
     * @param droppedPackets packets the firewall dropped: the cut did cut
     * @param holderLastValid when the holder's lease last read valid (sampled every millisecond)
     * @param holderTold when the holder's loss listener ran, if {@code holderWasTold}
     * @param holderWasTold whether the holder was told within the trial's patience (a minute)
     * @param holderReason what the holder was told
     * @param waiterGranted when the waiter's acquisition returned its lease
     * @param holderValidAtGrant whether the holder's lease read valid when the waiter's lease came back
     * @param followerServed how long the cut-off follower went on serving clients (to the end of the
     *     trial when {@code followerStillServing})
     * @param followerStillServing whether it still served when the trial ended
     */
    public record Observation(
            Duration sessionTimeout,
            String follower,
            String leader,
            long droppedPackets,
            Duration holderLastValid,
            Duration holderTold,
            boolean holderWasTold,
            String holderReason,
            Duration waiterGranted,
            boolean holderValidAtGrant,
            Duration followerServed,
            boolean followerStillServing)
            implements Serializable {

        /** How long both leases read valid at once: from the waiter's grant to the holder's last valid reading. */
        public Duration bothValid() {
            Duration overlap = holderLastValid.minus(waiterGranted);
            return overlap.isNegative() || (!holderValidAtGrant && overlap.isZero()) ? Duration.ZERO : overlap;
        }

        /** One line for logs and reports. */
        public String summary() {
            return "sessionTimeout=" + sessionTimeout.toMillis() + "ms: " + follower + " cut off from " + leader
                    + " and the other member (" + droppedPackets + " packets dropped); holder's lease last valid "
                    + holderLastValid.toMillis() + " ms after the cut, "
                    + (holderWasTold
                            ? "told after " + holderTold.toMillis() + " ms (" + holderReason + ")"
                            : "never told")
                    + "; waiter granted after " + waiterGranted.toMillis()
                    + " ms, when the holder's lease read " + (holderValidAtGrant ? "valid" : "invalid")
                    + "; both valid for " + bothValid().toMillis() + " ms; the follower served its clients for "
                    + followerServed.toMillis() + " ms" + (followerStillServing ? " and still did at the end" : "");
        }
    }

    /** The trial itself, run inside the namespace. */
    private record Task(Duration sessionTimeout) implements NetworkIsolation.IsolatedTask<Observation> {

        @Override
        public String description() {
            return "the follower partition trial (sessionTimeout=" + sessionTimeout.toMillis() + "ms)";
        }

        @Override
        public Observation runInside() throws InterruptedException {
            Firewall firewall = Firewall.start();
            for (int id = 1; id <= 3; id++) {
                firewall.markConnectionsOf(id);
            }
            try (ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(3, SAMPLE_TIMING, Firewall::runAsGroupOf)) {
                List<ZooKeeperServer> servers = ensemble.servers();
                int leader = servers.indexOf(ensemble.leader());
                int follower = (leader + 1) % servers.size();
                int other = (leader + 2) % servers.size();
                String query = "/trial?sessionTimeout=" + sessionTimeout.toMillis() + "ms";
                try (LockClient holder = LockClient.connect(
                                "zk://" + servers.get(follower).hostAndPort() + query);
                        LockClient waiter =
                                LockClient.connect("zk://" + servers.get(other).hostAndPort() + query)) {
                    return observe(firewall, servers, leader, follower, holder, waiter);
                } finally {
                    firewall.heal();
                }
            }
        }

        private Observation observe(
                Firewall firewall,
                List<ZooKeeperServer> servers,
                int leader,
                int follower,
                LockClient holder,
                LockClient waiter)
                throws InterruptedException {
            Lease held = holder.lock(LOCK).acquire(Duration.ofSeconds(30));
            AtomicLong told = new AtomicLong();
            AtomicReference<String> reason = new AtomicReference<>("not told");
            held.onLost((lease, why) -> {
                reason.set(why);
                told.compareAndSet(0, System.nanoTime());
            });
            AtomicLong granted = new AtomicLong();
            AtomicReference<Boolean> validAtGrant = new AtomicReference<>();
            CompletableFuture<Lease> next = waiter.lock(LOCK).acquireAsync(PATIENCE.multipliedBy(2));
            next.whenComplete((lease, error) -> {
                validAtGrant.set(held.isValid());
                granted.set(System.nanoTime());
            });
            awaitQueued(waiter);
            awaitJustBeforeTheHoldersNextRequest(servers.get(follower));
            requireRoles(servers, leader, follower);

            firewall.cutZooKeeperMember(servers, follower);
            long cut = System.nanoTime();
            long lastValid = cut;
            long followerServing = cut;
            boolean serving = true;
            long nextFollowerCheck = cut;
            long deadline = cut + PATIENCE.toNanos();
            while ((granted.get() == 0 || told.get() == 0) && System.nanoTime() - deadline < 0) {
                long now = System.nanoTime();
                if (held.isValid()) {
                    lastValid = now;
                }
                if (serving && now - nextFollowerCheck >= 0) {
                    serving = servesAsFollower(servers.get(follower));
                    followerServing = serving ? System.nanoTime() : followerServing;
                    nextFollowerCheck = System.nanoTime() + FOLLOWER_POLL.toNanos();
                }
                LockSupport.parkNanos(POLL.toNanos());
                if (Thread.interrupted()) {
                    throw new InterruptedException("follower partition trial interrupted");
                }
            }
            if (granted.get() == 0) {
                throw new IllegalStateException("the waiter was not granted within " + PATIENCE.toSeconds()
                        + " s of the cut: the leader did not expire the holder's session");
            }
            if (next.isCompletedExceptionally()) {
                throw new IllegalStateException("the waiter's acquisition failed: "
                        + next.handle((l, e) -> e).join());
            }
            long dropped = firewall.droppedPackets();
            next.join().close();
            return new Observation(
                    sessionTimeout,
                    name(servers.get(follower)),
                    name(servers.get(leader)),
                    dropped,
                    since(cut, lastValid),
                    since(cut, told.get() == 0 ? System.nanoTime() : told.get()),
                    told.get() != 0,
                    String.valueOf(reason.get()),
                    since(cut, granted.get()),
                    Boolean.TRUE.equals(validAtGrant.get()),
                    since(cut, followerServing),
                    serving);
        }

        /** Waits until the waiter's node is queued behind the holder's. */
        private static void awaitQueued(LockClient waiter) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (waiter.inspect(LOCK).queueLength().orElse(0) < 1) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("the waiter did not queue within 30 s");
                }
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
        }

        /**
         * Waits until just before the holder's client next sends anything to its follower, as
         * foretold by the rhythm of its last requests (an idle ZooKeeper client sends a heartbeat
         * every third of the session timeout): cut then, the leader's last word of the session
         * is as old as it gets. The follower's {@code cons} gives the time of its last response
         * to the holder's connection ({@code lresp}, wall-clock milliseconds of this machine).
         */
        private static void awaitJustBeforeTheHoldersNextRequest(ZooKeeperServer follower) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long seen = lastResponse(follower);
            long previous = 0;
            long last = 0;
            int changes = 0;
            while (System.nanoTime() - deadline < 0) {
                long response = lastResponse(follower);
                if (response != seen) {
                    seen = response;
                    previous = last;
                    last = response;
                    changes++;
                }
                if (changes >= 2) {
                    long gap = last - previous;
                    if (System.currentTimeMillis() >= last + gap - Math.min(250, gap / 4)) {
                        return;
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
            throw new IllegalStateException(
                    "the holder's connection to " + name(follower) + " showed no rhythm of" + " requests within 60 s");
        }

        /** When the follower last answered the holder's connection, from its {@code cons}. */
        private static long lastResponse(ZooKeeperServer follower) {
            Matcher connection = SESSION_CONNECTION.matcher(follower.fourLetterWord("cons"));
            while (connection.find()) {
                if (!connection.group(1).equals("0")) {
                    return Long.parseLong(connection.group(2));
                }
            }
            throw new IllegalStateException("no client session connected to " + name(follower));
        }

        /** Checks that the roles are those the trial is about, right before the cut. */
        private static void requireRoles(List<ZooKeeperServer> servers, int leader, int follower) {
            if (!servers.get(leader).fourLetterWord("srvr").contains("Mode: leader")
                    || !servesAsFollower(servers.get(follower))) {
                throw new IllegalStateException("the leader changed before the cut: " + servers);
            }
        }

        private static boolean servesAsFollower(ZooKeeperServer server) {
            try {
                return server.fourLetterWord("srvr").contains("Mode: follower");
            } catch (UncheckedIOException e) {
                return false;
            }
        }

        private static String name(ZooKeeperServer server) {
            return "zk:" + server.port();
        }

        private static Duration since(long cut, long at) {
            return Duration.ofNanos(at - cut);
        }
    }
}
