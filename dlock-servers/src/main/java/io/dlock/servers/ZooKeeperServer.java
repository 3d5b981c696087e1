package io.dlock.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A real ZooKeeper server (from the {@code org.apache.zookeeper} artifact) in a child JVM on
 * free loopback ports, for tests: kill it (SIGKILL), pause it (SIGSTOP), restart it from its
 * disk. Alone, or one of a {@link ZooKeeperEnsemble}.
 *
 * <p>Tuned for fast tests: a 250 ms tick (sessions of 0.5 to 30 s), no fsync (a killed process
 * loses nothing; only a machine crash would), containers reaped every 500 ms, four-letter
 * words enabled, the admin server off. The process never outlives the JVM (see
 * {@link ManagedProcesses}); {@link #close()} kills it and deletes its directory.
 */
public final class ZooKeeperServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private final Path dir;
    private final int id;
    private final int clientPort;
    private final int quorumPort;
    private final int electionPort;
    private final Map<String, String> extraConfig;
    private final List<String> commandPrefix;
    private final ReentrantLock lock = new ReentrantLock();
    private List<String> peers = List.of();
    private volatile @Nullable Process process;

    ZooKeeperServer(int id, Map<String, String> extraConfig) {
        this(id, extraConfig, List.of());
    }

    /** A server whose JVM is started through {@code commandPrefix} (e.g. {@code setpriv …}), prepended to its command. */
    ZooKeeperServer(int id, Map<String, String> extraConfig, List<String> commandPrefix) {
        this.id = id;
        this.extraConfig = new LinkedHashMap<>(extraConfig);
        this.commandPrefix = List.copyOf(commandPrefix);
        try {
            this.dir = ManagedProcesses.scratchDirectory("dlock-zookeeper-");
            Files.createDirectories(dir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.clientPort = RedisServer.freePort();
        this.quorumPort = RedisServer.freePort();
        this.electionPort = RedisServer.freePort();
    }

    /**
     * Starts a standalone server and waits until it serves.
     *
     * @throws IllegalStateException when the server exits or does not serve within 60 s (the
     *     message ends with its log)
     * @throws UncheckedIOException when its directory or its JVM cannot be made
     */
    public static ZooKeeperServer standalone() {
        return standalone(Map.of());
    }

    /**
     * Starts a standalone server with extra {@code zoo.cfg} lines (e.g. a secure client port)
     * and waits until it serves.
     *
     * @throws IllegalStateException when the server exits or does not serve within 60 s (the
     *     message ends with its log)
     * @throws UncheckedIOException when its directory or its JVM cannot be made
     */
    public static ZooKeeperServer standalone(Map<String, String> extraConfig) {
        ZooKeeperServer server = new ZooKeeperServer(1, extraConfig);
        try {
            server.launch();
            server.awaitServing(START_TIMEOUT);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The loopback client port, the same across restarts. */
    public int port() {
        return clientPort;
    }

    /** The loopback port on which followers connect to this server when it leads. */
    public int quorumPort() {
        return quorumPort;
    }

    /** The loopback port of this server's leader election connections. */
    public int electionPort() {
        return electionPort;
    }

    /** {@code 127.0.0.1:<client port>}. */
    public String hostAndPort() {
        return "127.0.0.1:" + clientPort;
    }

    /** {@code zk://127.0.0.1:<port>}, without root or parameters. */
    public String uri() {
        return "zk://" + hostAndPort();
    }

    /** This server's directory (its data and its log, {@code server.log}). */
    public Path directory() {
        return dir;
    }

    /** Returns true while the process is alive (also when paused). */
    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /**
     * Kills the server outright (SIGKILL), as a crash, and waits until the process is gone; what
     * it wrote stays on disk.
     *
     * @throws IllegalStateException when the process is still alive 10 s after the signal, or the
     *     wait was interrupted (the interrupt flag is then set again); the process then stays
     *     this server's, so a later {@code kill()} or the JVM's exit still ends it, and
     *     {@link #start()} refuses to start a second one on the same ports
     */
    public void kill() {
        lock.lock();
        try {
            if (process == null) {
                return;
            }
            process.destroyForcibly();
            boolean dead;
            try {
                dead = process.waitFor(KILL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "interrupted while waiting for " + this + " (pid " + process.pid() + ") to die", e);
            }
            if (!dead) {
                throw new IllegalStateException(this + " (pid " + process.pid() + ") is still alive "
                        + KILL_TIMEOUT.toSeconds() + " s after SIGKILL");
            }
            ManagedProcesses.unregister(process);
            process = null;
        } finally {
            lock.unlock();
        }
    }

    /** Pauses the process (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() {
        ManagedProcesses.signal(requireProcess().pid(), "STOP");
    }

    /** Resumes a paused process (SIGCONT). */
    public void resume() {
        ManagedProcesses.signal(requireProcess().pid(), "CONT");
    }

    /**
     * Starts the server again from its disk after {@link #kill()}, on the same ports; does not
     * wait for it to serve (an ensemble member needs its peers for that).
     */
    public void start() {
        lock.lock();
        try {
            if (process != null) {
                throw new IllegalStateException(this + " is still running");
            }
            launch();
        } finally {
            lock.unlock();
        }
    }

    /** Kills the server and starts it again from its disk, waiting until it serves when standalone. */
    public void restart() {
        kill();
        start();
        if (peers.isEmpty()) {
            awaitServing(START_TIMEOUT);
        }
    }

    /**
     * Returns true when the server answers and serves clients: standalone, or a leader or
     * follower of an ensemble with a quorum.
     */
    public boolean isServing() {
        try {
            return fourLetterWord("srvr").contains("Mode: ");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Sends a four-letter word ({@code srvr}, {@code cons}, {@code mntr}, …) and returns the answer.
     *
     * @throws UncheckedIOException when the server does not accept the connection within 2 s or
     *     does not answer within 5 s (stopped, paused, or not serving yet)
     */
    public String fourLetterWord(String word) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPort), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(this + ": " + e.getMessage(), e);
        }
    }

    /** Waits until {@link #isServing()}. */
    public void awaitServing(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!isServing()) {
            Process current = process;
            if (current == null || !current.isAlive()) {
                throw new IllegalStateException(this + " is not running: " + tail());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException(this + " did not serve within " + within.toSeconds() + "s: " + tail());
            }
            Pause.briefly();
        }
    }

    /**
     * Kills the server if running and deletes its directory.
     *
     * @throws IllegalStateException as {@link #kill()} does; the directory is deleted all the same
     */
    @Override
    public void close() {
        try {
            kill();
        } finally {
            ManagedProcesses.deleteQuietly(dir);
        }
    }

    @Override
    public String toString() {
        return "zookeeper-server[" + id + ", " + hostAndPort() + (isRunning() ? "" : ", stopped") + "]";
    }

    int id() {
        return id;
    }

    /** {@code server.<id>} line of this server in an ensemble's configuration. */
    String peerLine() {
        return "server." + id + "=127.0.0.1:" + quorumPort + ":" + electionPort + ";127.0.0.1:" + clientPort;
    }

    /** Makes this server a member of the ensemble described by {@code peerLines}. */
    void joinEnsemble(List<String> peerLines) {
        this.peers = List.copyOf(peerLines);
        try {
            Files.writeString(dir.resolve("data").resolve("myid"), Integer.toString(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void launch() {
        Path config = dir.resolve("zoo.cfg");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tickTime", "250");
        settings.put("initLimit", "40");
        settings.put("syncLimit", "8");
        settings.put("minSessionTimeout", "500");
        settings.put("maxSessionTimeout", "30000");
        settings.put("dataDir", dir.resolve("data").toString());
        settings.put("clientPort", Integer.toString(clientPort));
        settings.put("clientPortAddress", "127.0.0.1");
        settings.put("admin.enableServer", "false");
        settings.put("4lw.commands.whitelist", "*");
        settings.put("forceSync", "no");
        settings.put("reconfigEnabled", "false");
        settings.put("standaloneEnabled", "true");
        settings.putAll(extraConfig);
        List<String> lines = new ArrayList<>();
        settings.forEach((key, value) -> lines.add(key + "=" + value));
        lines.addAll(peers);
        try {
            Files.write(config, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String marker = "-Ddlock.servers.zookeeper=" + dir;
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(
                java,
                marker,
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dznode.container.checkIntervalMs=500",
                "-Dzookeeper.cnxTimeout=1000",
                "-Dzookeeper.jmx.log4j.disable=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp",
                System.getProperty("java.class.path"),
                MAIN,
                config.toString()));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("server.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a ZooKeeper JVM", e);
        }
        ManagedProcesses.register(process, marker);
    }

    private Process requireProcess() {
        Process current = process;
        if (current == null) {
            throw new IllegalStateException(this + " is not running");
        }
        return current;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
