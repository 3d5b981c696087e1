package io.dlock.cli;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.LockException;
import io.dlock.LockState;
import io.dlock.Ticker;
import io.dlock.servers.PausableScheduler;
import io.dlock.servers.RedisServer;
import io.dlock.servers.RedisServers;
import io.dlock.servers.ZooKeeperServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dlock demo}: starts its own servers on loopback and walks through what dlock does,
 * needing nothing installed but a JDK. Every server it starts is stopped at the end, also on
 * failure or Ctrl-C.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Show dlock at work on servers it starts and stops itself.",
            "%nStarts three Redis servers and a ZooKeeper on loopback: Redlock with nodes failing,"
                    + " fencing tokens stopping a stale writer, a fair queue. Needs nothing but a JDK: uses"
                    + " redis-server from the PATH or the one bundled in dlock.%n"
        })
final class DemoCommand implements Callable<Integer> {

    /** Short, so the demo need not wait long for freshly started nodes to count. */
    private static final Duration QUARANTINE = Duration.ofSeconds(3);

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String LOCK = "demo:report";
    /** The Redlock backend's logger, which reports each node at INFO when a client connects. */
    private static final String REDLOCK_LOGGER = "io.dlock.redis.RedlockBackend";

    @Spec
    private CommandSpec spec;

    private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
    /** Set by the shutdown hook (Ctrl-C, SIGTERM): the servers are going, the story stops. */
    private volatile boolean stopping;
    // Set first thing in call(), before any use: picocli calls nothing else.
    @SuppressWarnings("NullAway.Init")
    private Narrator say;

    @SuppressWarnings("NullAway.Init")
    private RedisServers redis;

    @SuppressWarnings("NullAway.Init")
    private String redlock;

    @Override
    public Integer call() throws Exception {
        say = new Narrator(spec.commandLine().getOut());
        Thread cleanup = new Thread(this::stopForSignal, "dlock-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            redis = start(RedisServers.start(3));
            redlock = redis.redlockUri("?restartQuarantine=" + QUARANTINE.toSeconds() + "s&nodeTimeout=200ms");
            allNodes();
            oneNodeDown();
            twoNodesDown();
            pausedHolderIsFenced();
            fairQueue();
            say.blank();
            say.say("Done. Every server the demo started is being stopped.");
            return ExitCodes.OK;
        } catch (Exception e) {
            if (stopping) {
                // a step failed because the hook stopped its servers: not worth a line; the JVM exits 128 + signal
                return ExitCodes.INTERRUPTED;
            }
            throw e;
        } finally {
            stopEverything();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // dlock was signalled: the hook stops the servers
            }
        }
    }

    private void allNodes() throws Exception {
        say.heading("Redlock on three Redis masters");
        for (RedisServer server : redis.all()) {
            say.say("started %s (%s)", server.uri(), server.binary());
        }
        say.say(
                "a node's vote counts once it has been up %ds: a node that just (re)started may have",
                QUARANTINE.toSeconds());
        say.say("forgotten the locks it held (the Redlock page's \"delayed restart\", done by the client)");
        say.say("a client connects to every node at once and reports:");
        try (LockClient client = redlockClientReportingNodes()) {
            try (Lease lease = client.lock(LOCK).acquire(Duration.ofSeconds(10))) {
                say.say("acquired '%s' on a majority with fencing token %d", LOCK, lease.fencingToken());
                showNodes();
            }
            say.say("released:");
            showNodes();
        }
    }

    private void oneNodeDown() throws Exception {
        say.heading("One node stopped: two of three still make a majority");
        redis.get(2).kill();
        say.say("stopped %s", redis.get(2).uri());
        say.say("a new client reports:");
        try (LockClient client = redlockClientReportingNodes();
                Lease lease = client.lock(LOCK).acquire(Duration.ofSeconds(10))) {
            say.say("acquired '%s' with fencing token %d", LOCK, lease.fencingToken());
            showNodes();
        }
    }

    private void twoNodesDown() {
        say.heading("Two nodes stopped: no majority, so no lock");
        redis.get(1).kill();
        say.say("stopped %s", redis.get(1).uri());
        say.say("a new client reports:");
        try {
            redlockClientReportingNodes().close();
            say.say("unexpected: a client was created with one node of three");
        } catch (LockException refused) {
            say.say("dlock refuses to create the client:");
            say.say("  %s", refused.getMessage());
        }
    }

    private void pausedHolderIsFenced() throws Exception {
        say.heading("A holder pauses past its lease: fencing rejects the stale writer");
        redis.get(1).restart();
        redis.get(2).restart();
        say.say("restarted both nodes, empty; their votes count again after %ds", QUARANTINE.toSeconds());
        FencedStore store = new FencedStore();
        try (PausableScheduler timers = new PausableScheduler();
                LockClient slow = LockClient.builder(redlock)
                        .defaultLease(LEASE)
                        .time(Ticker.system(), timers)
                        .build();
                LockClient fast = redlockClient()) {
            Lease stale = slow.lock("demo:account").acquire(Duration.ofSeconds(10));
            CountDownLatch told = new CountDownLatch(1);
            stale.onLost((l, reason) -> told.countDown());
            say.say(
                    "client A holds 'demo:account' with token %d and a %ds lease, renewed by its watchdog",
                    stale.fencingToken(), LEASE.toSeconds());
            timers.pause();
            say.say("client A freezes (a long GC pause): its watchdog stops renewing");
            try (Lease fresh = fast.lock("demo:account").acquire(Duration.ofSeconds(10))) {
                say.say("client B acquires once A's lease ran out, token %d", fresh.fencingToken());
                say.say(
                        "B writes with token %d: %s",
                        fresh.fencingToken(), verdict(store.write("balance", "B's value", fresh.fencingToken())));
                timers.resume();
                say.say("client A wakes up and writes before it notices anything");
                say.say(
                        "A writes with token %d: %s",
                        stale.fencingToken(), verdict(store.write("balance", "A's stale value", stale.fencingToken())));
                boolean notified = told.await(5, TimeUnit.SECONDS);
                say.say(
                        "A's lease-lost listener %s; A's lease.isValid() = %s",
                        notified ? "fired" : "did not fire in time", stale.isValid());
                say.say("the store keeps %s", store.read("balance"));
            }
        }
    }

    private void fairQueue() throws Exception {
        say.heading("ZooKeeper: a fair queue");
        ZooKeeperServer zookeeper = start(ZooKeeperServer.standalone());
        say.say("started ZooKeeper at %s", zookeeper.uri());
        String queue = "demo:queue";
        List<LockClient> clients = new ArrayList<>();
        try {
            LockClient holder = track(clients, LockClient.connect(zookeeper.uri()));
            Lease first = holder.lock(queue).acquire(Duration.ofSeconds(10));
            say.say("H holds '%s' with token %d", queue, first.fencingToken());
            List<String> order = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> waiters = new ArrayList<>();
            for (String name : List.of("A", "B", "C")) {
                LockClient client = track(clients, LockClient.connect(zookeeper.uri()));
                int before = queueLength(holder, queue);
                waiters.add(
                        client.lock(queue).acquireAsync(Duration.ofSeconds(30)).thenAccept(lease -> {
                            order.add(name);
                            say.say(
                                    "%s acquires with token %d (woken by its predecessor's release), then releases",
                                    name, lease.fencingToken());
                            lease.close();
                        }));
                awaitQueueLength(holder, queue, before + 1);
                say.say("%s joins the queue (waiting: %d)", name, queueLength(holder, queue));
            }
            say.say("H releases");
            first.close();
            CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            say.say("order of acquisition: %s, the order of arrival", String.join(", ", order));
        } finally {
            clients.forEach(LockClient::close);
        }
    }

    private LockClient redlockClient() {
        return LockClient.builder(redlock).defaultLease(LEASE).build();
    }

    /**
     * A Redlock client whose connection report (each node, then how many are usable), which the
     * backend logs at INFO, is shown in the story while the log stays at WARN.
     */
    private LockClient redlockClientReportingNodes() {
        TappableLogger.Tap report = TappableLogger.tap(REDLOCK_LOGGER, line -> say.say("  %s", line));
        try {
            return redlockClient();
        } finally {
            report.close();
        }
    }

    /** Prints, for each node, whether it holds the demo lock and with which token. */
    private void showNodes() {
        for (RedisServer server : redis.all()) {
            if (!server.isRunning()) {
                say.say("  %s: down", server.uri());
                continue;
            }
            String owner = server.command("HGET", "dlock:{" + LOCK + "}", "owner");
            String token = server.command("HGET", "dlock:{" + LOCK + "}", "token");
            say.say(
                    "  %s: %s",
                    server.uri(),
                    owner.equals("(nil)")
                            ? "free" + (token.equals("(nil)") ? "" : " (remembers last token " + token + ")")
                            : "held by " + owner + ", token " + token);
        }
    }

    private static int queueLength(LockClient client, String name) {
        LockState state = client.inspect(name);
        return state.queueLength().orElse(0);
    }

    private static void awaitQueueLength(LockClient client, String name, int length) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queueLength(client, name) < length) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("a client did not join the queue of '" + name + "' within 10 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static String verdict(boolean accepted) {
        return accepted ? "accepted" : "REJECTED (lower than a token the store already saw)";
    }

    private static LockClient track(List<LockClient> clients, LockClient client) {
        clients.add(client);
        return client;
    }

    /**
     * Records a server for clean-up; one started while the hook was already stopping the others
     * is stopped at once (the hook sets {@link #stopping} before it empties {@link #started}).
     */
    private <T extends AutoCloseable> T start(T server) {
        started.add(server);
        if (stopping) {
            stopEverything();
            throw new CancellationException("the demo was interrupted");
        }
        return server;
    }

    /** The shutdown hook: dlock got SIGINT or SIGTERM. */
    private void stopForSignal() {
        stopping = true;
        spec.commandLine().getErr().println("dlock demo: interrupted; stopping every server it started");
        spec.commandLine().getErr().flush();
        stopEverything();
    }

    /** Stops what was started, last first; safe to call from the shutdown hook and normally at once. */
    private void stopEverything() {
        AutoCloseable server;
        while ((server = started.pollLast()) != null) {
            try {
                server.close();
            } catch (Exception e) {
                spec.commandLine().getErr().println("dlock demo: could not stop " + server + ": " + e.getMessage());
            }
        }
    }
}
