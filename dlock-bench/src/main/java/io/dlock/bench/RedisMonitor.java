package io.dlock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the commands clients send to one Redis server, with MONITOR: every request that
 * reaches the server once, whatever it does, not counting the commands a Lua script runs
 * inside (which INFO's counters include). MONITOR slows the server, so count in a pass that
 * is not timed.
 */
final class RedisMonitor implements AutoCloseable {

    private final Socket socket;
    private final AtomicLong requests = new AtomicLong();
    private final Thread reader;

    RedisMonitor(String hostAndPort) {
        String[] parts = hostAndPort.split(":", -1);
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 2_000);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            if (!"+OK".equals(in.readLine())) {
                throw new IllegalStateException("MONITOR refused by " + hostAndPort);
            }
            reader = new Thread(() -> count(in), "redis-monitor-" + hostAndPort);
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot monitor " + hostAndPort, e);
        }
    }

    private void count(BufferedReader in) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.contains(" lua] ")) {
                    requests.incrementAndGet();
                }
            }
        } catch (IOException closed) {
            // the monitor was closed
        }
    }

    /** Client requests seen so far. */
    long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
            reader.join(2_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
