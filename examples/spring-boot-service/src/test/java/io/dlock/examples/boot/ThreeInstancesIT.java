package io.dlock.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dlock.servers.ManagedProcesses;
import io.dlock.servers.RedisServer;
import io.dlock.testkit.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Three instances of the packaged service, each its own JVM started with {@code java -jar}, on one
 * Redis: each second's report runs exactly once across them and no two runs overlap, as the
 * fenced store's log shows; an instance killed (SIGKILL) in the middle of a run keeps the lock
 * until {@code lockAtMostFor} has passed, and then another instance runs the next second; the
 * health endpoint reports the lock service's state.
 *
 * <p>Timing, for a loaded 2-core machine: a run holds the lock at least 0.5 s and works 0.4 s, so
 * an instance whose scheduler fires up to 0.5 s late for a second finds the lock taken, and the
 * lock is free again 0.5 s before the next second. {@code lockAtMostFor} is 2.5 s: a lock taken
 * in the first half of second s and never released ends within s + 3, which that second's run
 * then takes.
 */
class ThreeInstancesIT {

    static final long LOCK_AT_MOST_FOR_SECONDS_ROUNDED_UP = 3;
    static final Duration START_WITHIN = Duration.ofMinutes(3);
    static final Duration WITHIN = Duration.ofSeconds(30);
    static final int SECONDS_BEFORE_THE_KILL = 12;
    static final int SECONDS_AFTER_THE_RESUME = 5;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void eachSecondRunsOnceAcrossThreeInstancesAndAKilledHoldersLockEndsAfterLockAtMostFor() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Instances instances = new Instances(redis.uri())) {
            long started = System.nanoTime();
            List<Instance> all = List.of(instances.start("a"), instances.start("b"), instances.start("c"));
            for (Instance instance : all) {
                awaitHealth(instance, 200, "UP");
            }
            long upMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            JsonNode health = health(all.get(0)).body;
            assertThat(health.path("components")
                            .path("dlock")
                            .path("details")
                            .path("backend")
                            .asString())
                    .isEqualTo("redis");
            assertThat(health.path("components")
                            .path("dlock")
                            .path("details")
                            .path("server")
                            .asString())
                    .endsWith(":" + redis.port());

            // Measure from two seconds after the last instance is up, so that all three compete.
            long firstSecond = Instant.now().getEpochSecond() + 2;
            awaitRunOf(redis, firstSecond + SECONDS_BEFORE_THE_KILL, instances);

            int seen = storeLog(redis).size();
            Run victim = awaitNextBegin(redis, seen, instances);
            Instance killed = instances.named(victim.instance);
            killed.kill();
            long resumeSecond = victim.second + LOCK_AT_MOST_FOR_SECONDS_ROUNDED_UP;
            awaitRunOf(redis, resumeSecond + SECONDS_AFTER_THE_RESUME, instances);

            List<Run> log = storeLog(redis);
            String story = "the store's log:\n"
                    + String.join("\n", log.stream().map(Run::toString).toList()) + instances.logTails();
            assertThat(log).as(story).allMatch(run -> run.written);
            assertNoOverlap(log, victim.token, story);

            Map<Long, List<Run>> beginsBySecond = new TreeMap<>();
            log.stream().filter(run -> run.begin).forEach(run -> beginsBySecond
                    .computeIfAbsent(run.second, s -> new ArrayList<>())
                    .add(run));
            assertThat(LongStream.range(firstSecond, victim.second + 1).boxed().toList())
                    .as(story)
                    .allMatch(second ->
                            beginsBySecond.getOrDefault(second, List.of()).size() == 1);
            assertThat(LongStream.range(victim.second + 1, resumeSecond).boxed().toList())
                    .as("while the killed instance's lock lasts, nobody runs; " + story)
                    .allMatch(second -> !beginsBySecond.containsKey(second));
            assertThat(LongStream.rangeClosed(resumeSecond, resumeSecond + SECONDS_AFTER_THE_RESUME)
                            .boxed()
                            .toList())
                    .as("from the first second after lockAtMostFor, each second runs once again; " + story)
                    .allMatch(second -> beginsBySecond
                                            .getOrDefault(second, List.of())
                                            .size()
                                    == 1
                            && !beginsBySecond.get(second).get(0).instance.equals(victim.instance));
            System.out.println("runs per instance: " + runsPerInstance(log) + "; killed " + victim);

            Instance survivor = all.stream()
                    .filter(instance -> instance != killed)
                    .findFirst()
                    .orElseThrow();
            JsonNode acquisitions = get(survivor, "/actuator/metrics/dlock.acquisitions").body;
            assertThat(acquisitions.path("measurements").get(0).path("value").asDouble())
                    .as("acquisitions counted")
                    .isPositive();

            redis.kill();
            Health down = awaitDlockHealth(survivor, 503, "DOWN");
            assertThat(down.body.path("details").path("error").asString()).contains(Integer.toString(redis.port()));
            System.out.printf(
                    "instances up in %d ms; the test took %d ms%n",
                    upMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /** Every run's begin is followed by its own end before another run begins; only the killed run never ends. */
    private static void assertNoOverlap(List<Run> log, long killedToken, String story) {
        Run open = null;
        long lastToken = 0;
        for (Run entry : log) {
            if (entry.begin) {
                assertThat(open == null || open.token == killedToken)
                        .as("%s began while %s had not ended; %s", entry, open, story)
                        .isTrue();
                assertThat(entry.token)
                        .as("tokens increase run after run; " + story)
                        .isGreaterThan(lastToken);
                lastToken = entry.token;
                open = entry;
            } else {
                assertThat(open)
                        .as("%s ends the run that began last; %s", entry, story)
                        .isNotNull();
                assertThat(entry.token)
                        .as("%s ends the run that began last; %s", entry, story)
                        .isEqualTo(open.token);
                open = null;
            }
        }
        assertThat(log)
                .as("the killed run was killed in its middle: it never ended; " + story)
                .noneMatch(run -> !run.begin && run.token == killedToken);
    }

    private static Map<String, Long> runsPerInstance(List<Run> log) {
        Map<String, Long> runs = new TreeMap<>();
        log.stream().filter(run -> run.begin).forEach(run -> runs.merge(run.instance, 1L, Long::sum));
        return runs;
    }

    private static List<Run> storeLog(RedisServer redis) {
        String entries = redis.command("LRANGE", FencedStore.LOG, "0", "-1");
        return entries.isEmpty() ? List.of() : entries.lines().map(Run::parse).toList();
    }

    private static void awaitRunOf(RedisServer redis, long second, Instances instances) {
        instances.poll("a run of second " + second, WITHIN, () -> storeLog(redis).stream()
                .anyMatch(run -> run.begin && run.second >= second));
    }

    /** Waits for the next run to begin after the first {@code seen} entries of the log, and returns it. */
    private static Run awaitNextBegin(RedisServer redis, int seen, Instances instances) {
        List<Run> found = new ArrayList<>();
        instances.poll("a run beginning", WITHIN, () -> {
            List<Run> log = storeLog(redis);
            log.subList(Math.min(seen, log.size()), log.size()).stream()
                    .filter(run -> run.begin)
                    .findFirst()
                    .ifPresent(found::add);
            return !found.isEmpty();
        });
        return found.get(0);
    }

    private Health awaitHealth(Instance instance, int status, String dlockStatus) {
        List<Health> last = new ArrayList<>(List.of(new Health(0, null)));
        instance.owner.poll(
                instance.name + " reports dlock " + dlockStatus + " with HTTP " + status + " on /actuator/health",
                START_WITHIN,
                () -> {
                    last.set(0, health(instance));
                    return last.get(0).status == status
                            && dlockStatus.equals(last.get(0)
                                    .body
                                    .path("components")
                                    .path("dlock")
                                    .path("status")
                                    .asString());
                });
        return last.get(0);
    }

    /** Waits until the {@code dlock} component alone ({@code /actuator/health/dlock}) reports {@code dlockStatus}. */
    private Health awaitDlockHealth(Instance instance, int status, String dlockStatus) {
        List<Health> last = new ArrayList<>(List.of(new Health(0, null)));
        instance.owner.poll(
                instance.name + " reports dlock " + dlockStatus + " with HTTP " + status + " on /actuator/health/dlock",
                WITHIN,
                () -> {
                    last.set(0, get(instance, "/actuator/health/dlock"));
                    return last.get(0).status == status
                            && dlockStatus.equals(
                                    last.get(0).body.path("status").asString());
                });
        return last.get(0);
    }

    private Health health(Instance instance) {
        return get(instance, "/actuator/health");
    }

    private Health get(Instance instance, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Health(response.statusCode(), json.readTree(response.body()));
        } catch (IOException e) {
            return new Health(0, json.createObjectNode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** An HTTP status and its JSON body (status 0: no answer). */
    record Health(int status, JsonNode body) {}

    /** One entry of the store's log: "token written|refused begin|end second instance". */
    record Run(long token, boolean written, boolean begin, long second, String instance) {
        static Run parse(String entry) {
            String[] parts = entry.split(" ");
            return new Run(
                    Long.parseLong(parts[0]),
                    parts[1].equals("written"),
                    parts[2].equals("begin"),
                    Long.parseLong(parts[3]),
                    parts[4]);
        }

        @Override
        public String toString() {
            return (begin ? "begin " : "end ") + second + " on " + instance + " with token " + token
                    + (written ? "" : " (refused)");
        }
    }

    /** One running instance of the service. */
    static final class Instance {
        final Instances owner;
        final String name;
        final int port;
        final Process process;
        final Path output;
        volatile boolean killed;

        Instance(Instances owner, String name, int port, Process process, Path output) {
            this.owner = owner;
            this.name = name;
            this.port = port;
            this.process = process;
            this.output = output;
        }

        /** SIGKILL, as a crash: no shutdown hook, no release. */
        void kill() throws InterruptedException {
            killed = true;
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as(name + " exits when killed")
                    .isTrue();
            ManagedProcesses.unregister(process);
        }
    }

    /** The instances of one test, each a JVM started with {@code java -jar}; all are killed at close. */
    static final class Instances implements AutoCloseable {
        private final String redisUri;
        private final Path directory = ManagedProcesses.scratchDirectory("example-instances");
        private final Map<String, Instance> started = new LinkedHashMap<>();

        Instances(String redisUri) {
            this.redisUri = redisUri;
        }

        Instance start(String name) {
            String instanceName = name + "-" + ProcessHandle.current().pid();
            int port = RedisServer.freePort();
            Path output = directory.resolve(name + ".log");
            String java = ProcessHandle.current().info().command().orElse("java");
            // One core and a small heap each, and only the first JIT tier: three JVMs share two cores.
            List<String> command = List.of(
                    java,
                    "-Xmx192m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:ActiveProcessorCount=1",
                    "-jar",
                    System.getProperty("example.jar"),
                    "--server.port=" + port,
                    "--dlock.uri=" + redisUri,
                    "--spring.data.redis.url=" + redisUri,
                    "--example.instance=" + instanceName);
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                ManagedProcesses.register(process, "--example.instance=" + instanceName);
                Instance instance = new Instance(this, instanceName, port, process, output);
                started.put(instanceName, instance);
                return instance;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
        }

        Instance named(String instanceName) {
            Instance instance = started.get(instanceName);
            assertThat(instance).as("an instance named " + instanceName).isNotNull();
            return instance;
        }

        /** Polls {@code condition}, failing at once with the instances' output if one has died unasked. */
        void poll(String what, Duration within, java.util.function.BooleanSupplier condition) {
            try {
                Poll.until(what, within, () -> {
                    started.values().stream()
                            .filter(i -> !i.killed && !i.process.isAlive())
                            .findFirst()
                            .ifPresent(i -> {
                                throw new AssertionError(i.name + " exited with " + i.process.exitValue() + logTails());
                            });
                    return condition.getAsBoolean();
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + logTails(), e);
            }
        }

        String logTails() {
            StringBuilder tails = new StringBuilder();
            for (Instance instance : started.values()) {
                try {
                    List<String> lines = Files.readAllLines(instance.output);
                    tails.append("\n--- last lines of ")
                            .append(instance.name)
                            .append(":\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
                } catch (IOException e) {
                    tails.append("\n--- no output of ")
                            .append(instance.name)
                            .append(": ")
                            .append(e);
                }
            }
            return tails.toString();
        }

        @Override
        public void close() {
            for (Instance instance : started.values()) {
                instance.process.destroyForcibly();
            }
            for (Instance instance : started.values()) {
                try {
                    instance.process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ManagedProcesses.unregister(instance.process);
            }
            ManagedProcesses.deleteQuietly(directory);
        }
    }
}
