package io.dlock.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP forwarder on a free loopback port that a test can freeze: while frozen, nothing passes
 * in either direction (bytes read wait, closes are not passed on, new connections are accepted
 * but not forwarded), as if the network between a client and its server went silent. Thawing
 * lets everything through again. For playing a client whose connection is cut while the server
 * and the other clients go on, without touching the client's process. It can also delay what it
 * forwards ({@link #setLatency}) and reset every connection ({@link #dropConnections()}).
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition thawed = lock.newCondition();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private boolean frozen;
    private boolean repliesFrozen;
    private volatile long latencyNanos;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) {
        this.target = target;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "dlock-servers-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts forwarding a new loopback port to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        return new TcpProxy(new InetSocketAddress(host, port));
    }

    /** The loopback port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String hostAndPort() {
        return "127.0.0.1:" + port();
    }

    /** Stops all traffic through this proxy until {@link #thaw()}; connections stay open. */
    public void freeze() {
        lock.lock();
        try {
            frozen = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops only the traffic from the server to its clients until {@link #thaw()}: requests
     * still arrive and are served, their replies wait. A client then sees its calls time out
     * although the server carried them out (lost replies).
     */
    public void freezeReplies() {
        lock.lock();
        try {
            repliesFrozen = true;
        } finally {
            lock.unlock();
        }
    }

    /** Lets traffic through again, including what waited while frozen. */
    public void thaw() {
        lock.lock();
        try {
            frozen = false;
            repliesFrozen = false;
            thawed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Delays every chunk of bytes forwarded from now on, in both directions, by {@code latency}
     * ({@link Duration#ZERO} for none); order is kept.
     */
    public void setLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
        latencyNanos = latency.toNanos();
    }

    /**
     * Closes every connection forwarded so far, as a network reset would; clients see them
     * closed and may connect again, which works.
     */
    public void dropConnections() {
        sockets.forEach(TcpProxy::closeQuietly);
    }

    /**
     * The local ports of this proxy's open connections to its target: the ports the target sees
     * this proxy's clients come from (to find them in a server's own connection list).
     */
    public List<Integer> upstreamPorts() {
        return sockets.stream()
                .filter(s -> s.isConnected() && target.equals(s.getRemoteSocketAddress()))
                .map(Socket::getLocalPort)
                .toList();
    }

    /** Stops listening and closes every forwarded connection. */
    @Override
    public void close() {
        closed = true;
        thaw();
        closeQuietly(listener);
        sockets.forEach(TcpProxy::closeQuietly);
    }

    @Override
    public String toString() {
        return "TcpProxy[" + hostAndPort() + " -> " + target + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            Thread connector = new Thread(() -> connect(client), "dlock-servers-proxy-connect");
            connector.setDaemon(true);
            connector.start();
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        sockets.add(server);
        try {
            awaitThawed(false);
            server.connect(target, 5_000);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        pump(client, server, false);
        pump(server, client, true);
    }

    private void pump(Socket from, Socket to, boolean replies) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        while (true) {
                            int read = in.read(buffer);
                            long delay = latencyNanos;
                            if (delay > 0) {
                                LockSupport.parkNanos(delay);
                            }
                            awaitThawed(replies);
                            if (read < 0) {
                                break;
                            }
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // one side closed or the proxy stopped: close both below
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        sockets.remove(from);
                        sockets.remove(to);
                    }
                },
                "dlock-servers-proxy-" + (replies ? "down" : "up"));
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitThawed(boolean replies) throws InterruptedException {
        lock.lock();
        try {
            while ((frozen || (replies && repliesFrozen)) && !closed) {
                thawed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
