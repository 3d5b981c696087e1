package io.dlock.cli;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.spi.Ticker;
import io.dlock.testkit.PausableScheduler;
import io.dlock.testkit.RedisServer;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
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
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start local servers and show dlock at work: locks, fencing tokens, lost leases.",
            "Needs nothing but a JDK: uses redis-server from the PATH or the bundled one."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
    private Narrator say;

    @Override
    public Integer call() throws Exception {
        say = new Narrator(spec.commandLine().getOut());
        Thread cleanup = new Thread(this::stopEverything, "dlock-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            RedisServer redis = start(RedisServer.start());
            singleRedis(redis);
            pausedHolderIsFenced(redis);
            say.blank();
            say.say("Done. Every server the demo started has been stopped.");
            return ExitCodes.OK;
        } finally {
            stopEverything();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private void singleRedis(RedisServer redis) throws Exception {
        say.heading("One Redis node: acquire, fencing token, release");
        say.say("started %s (%s)", redis.uri(), redis.binary());
        try (LockClient client = LockClient.connect(redis.uri())) {
            try (Lease lease = client.lock("demo:report").acquire(Duration.ofSeconds(5))) {
                say.say("acquired lock 'demo:report' with fencing token %d", lease.fencingToken());
                say.say("holder as the server sees it: %s", client.inspect("demo:report").holder().orElseThrow().owner());
            }
            say.say("released; the lock is %s", client.inspect("demo:report").isHeld() ? "still held" : "free");
        }
    }

    private void pausedHolderIsFenced(RedisServer redis) throws Exception {
        say.heading("A holder pauses past its lease: fencing rejects the stale writer");
        Duration lease = Duration.ofSeconds(2);
        FencedStore store = new FencedStore();
        try (PausableScheduler timers = new PausableScheduler();
                LockClient slow = LockClient.builder(redis.uri()).defaultLease(lease)
                        .time(Ticker.system(), timers).build();
                LockClient fast = LockClient.connect(redis.uri())) {
            Lease stale = slow.lock("demo:account").acquire(Duration.ofSeconds(5));
            CountDownLatch told = new CountDownLatch(1);
            stale.onLost((l, reason) -> told.countDown());
            say.say("client A holds 'demo:account' with token %d and a %ds lease", stale.fencingToken(), lease.toSeconds());
            timers.pause();
            say.say("client A freezes (a long GC pause): its watchdog stops renewing");
            try (Lease fresh = fast.lock("demo:account").acquire(Duration.ofSeconds(10))) {
                say.say("client B acquires after A's lease ran out, token %d", fresh.fencingToken());
                say.say("B writes with token %d: %s", fresh.fencingToken(),
                        verdict(store.write("balance", "B's value", fresh.fencingToken())));
                timers.resume();
                say.say("client A wakes up, still believing it holds the lock, and writes");
                say.say("A writes with token %d: %s", stale.fencingToken(),
                        verdict(store.write("balance", "A's stale value", stale.fencingToken())));
                boolean notified = told.await(5, TimeUnit.SECONDS);
                say.say("A's lease-lost listener %s; lease.isValid() = %s",
                        notified ? "fired" : "did not fire in time", stale.isValid());
                say.say("the store keeps %s", store.read("balance"));
            }
        }
    }

    private static String verdict(boolean accepted) {
        return accepted ? "accepted" : "REJECTED (lower than a token the store already saw)";
    }

    private <T extends AutoCloseable> T start(T server) {
        started.add(server);
        return server;
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
