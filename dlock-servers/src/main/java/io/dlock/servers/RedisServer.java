package io.dlock.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} process on a free loopback port, for tests: start, stop, kill,
 * pause and restart it, also with its data lost.
 *
 * <p>The binary comes from {@code $REDIS_SERVER}, the PATH, or the embedded-redis artifact (which
 * bundles one for Linux and macOS). Persistence is off, so every restart loses the data unless
 * {@link #restartKeepingData()} is used. The process never outlives the JVM (see
 * {@link ManagedProcesses}); {@link #close()} stops it and deletes its directory.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final Path dir;
    private final List<String> extraArgs;
    private final int port;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable Process process;

    private RedisServer(Path binary, List<String> extraArgs) {
        this.binary = binary;
        this.extraArgs = List.copyOf(extraArgs);
        this.dir = ManagedProcesses.scratchDirectory("dlock-redis-");
        this.port = freePort();
    }

    /** Starts a server with the binary from {@code $REDIS_SERVER}, the PATH or the bundled one. */
    public static RedisServer start(String... extraArgs) {
        return started(new RedisServer(RedisBinary.get(), List.of(extraArgs)));
    }

    /** Starts a server with the binary bundled in the embedded-redis artifact, whatever the PATH holds. */
    public static RedisServer bundled(String... extraArgs) {
        return started(new RedisServer(RedisBinary.bundled(), List.of(extraArgs)));
    }

    private static RedisServer started(RedisServer server) {
        try {
            server.launch();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The binary this server runs. */
    public Path binary() {
        return binary;
    }

    /** The loopback port, the same across restarts. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<port>}, as in a Redlock URI. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    /** The process id while running. */
    public long pid() {
        return requireProcess().pid();
    }

    /** How long the server has been up, as it reports in {@code INFO server}. */
    public long uptimeSeconds() {
        return command("INFO", "server")
                .lines()
                .filter(line -> line.startsWith("uptime_in_seconds:"))
                .mapToLong(line -> Long.parseLong(
                        line.substring("uptime_in_seconds:".length()).trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no uptime in INFO of " + this));
    }

    /** Returns true while the process is alive (also when paused). */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the server gracefully (SIGTERM) and waits for it to exit. */
    public void stop() {
        lock.lock();
        try {
            if (process != null) {
                ManagedProcesses.signal(process.pid(), "CONT");
                process.destroy();
                await(process);
                ManagedProcesses.unregister(process);
                process = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Kills the server outright (SIGKILL), as a crash; its data is gone. */
    public void kill() {
        lock.lock();
        try {
            if (process != null) {
                process.destroyForcibly();
                await(process);
                ManagedProcesses.unregister(process);
                process = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Pauses the process (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() {
        lock.lock();
        try {
            ManagedProcesses.signal(pid(), "STOP");
        } finally {
            lock.unlock();
        }
    }

    /** Resumes a paused process (SIGCONT); it then serves what was queued. */
    public void resume() {
        lock.lock();
        try {
            ManagedProcesses.signal(pid(), "CONT");
        } finally {
            lock.unlock();
        }
    }

    /** Starts the server again on the same port after {@link #stop()} or {@link #kill()}. */
    public void restart() {
        lock.lock();
        try {
            if (process != null) {
                throw new IllegalStateException("redis-server on port " + port + " is still running");
            }
            launch();
        } finally {
            lock.unlock();
        }
    }

    /** Kills the server and starts it again empty: a crash that lost every key. */
    public void restartLosingData() {
        lock.lock();
        try {
            kill();
            launch();
        } finally {
            lock.unlock();
        }
    }

    /** Saves a snapshot, stops the server and starts it again with the snapshot loaded. */
    public void restartKeepingData() {
        lock.lock();
        try {
            command("SAVE");
            kill();
            launch();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one command and returns the reply as text: status and error lines as sent
     * ({@code +OK}, {@code -ERR …}), integers as {@code :1}, bulk strings as their content, nil
     * as {@code (nil)}, arrays as their elements joined by newlines. For server administration
     * in tests (FLUSHALL, DEBUG SLEEP, CLIENT LIST).
     */
    public String command(String... args) {
        return commandAs(null, null, args);
    }

    /**
     * Like {@link #command(String...)} on a connection that first authenticates as {@code user}
     * with {@code password} (a server started with {@code --requirepass} or ACL users).
     */
    public String commandAs(@Nullable String user, @Nullable String password, String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password != null) {
                send(out, user == null ? new String[] {"AUTH", password} : new String[] {"AUTH", user, password});
                String auth = readReply(in);
                if (!auth.equals("+OK")) {
                    throw new IllegalStateException("AUTH failed on port " + port + ": " + auth);
                }
            }
            send(out, args);
            return readReply(in);
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static void send(OutputStream out, String... args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Stops the server if running and deletes its directory. */
    @Override
    public void close() {
        lock.lock();
        try {
            kill();
            ManagedProcesses.deleteQuietly(dir);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "redis-server[" + hostAndPort() + (isRunning() ? "" : ", stopped") + "]";
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString()));
        command.addAll(extraArgs);
        Process started;
        try {
            started = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        process = started;
        ManagedProcesses.register(started, "redis-server");
        awaitReady(started);
    }

    private void awaitReady(Process started) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!started.isAlive()) {
                String log = tail(dir.resolve("redis.log")) + tail(dir.resolve("stdout.log"));
                ManagedProcesses.unregister(started);
                process = null;
                throw new IllegalStateException("redis-server on port " + port + " exited at start: " + log);
            }
            try {
                String pong = command("PING");
                if (pong.equals("+PONG") || pong.startsWith("-NOAUTH")) {
                    return; // answering, possibly asking for the password it was started with
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Pause.briefly();
        }
        kill();
        throw new IllegalStateException(
                "redis-server on port " + port + " did not answer PING within " + START_TIMEOUT.toSeconds() + "s");
    }

    private Process requireProcess() {
        if (process == null) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        return process;
    }

    private static void await(Process process) {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith("$")) {
            int length = Integer.parseInt(line.substring(1));
            if (length < 0) {
                return "(nil)";
            }
            String bulk = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            readLine(in);
            return bulk;
        }
        if (line.startsWith("*")) {
            int count = Integer.parseInt(line.substring(1));
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                elements.add(readReply(in));
            }
            return String.join("\n", elements);
        }
        return line;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** A loopback port no one listened on a moment ago, for servers the test configures itself. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
