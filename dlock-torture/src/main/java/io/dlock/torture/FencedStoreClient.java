package io.dlock.torture;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A worker thread's connection to the {@link FencedStore}: fenced reads and writes of a lock's
 * counter, each one round trip running {@code fenced_op.lua} by its SHA. Not thread-safe: one
 * per worker thread.
 */
final class FencedStoreClient implements AutoCloseable {

    /** The store's answer: done with the value read or written, or refused. */
    record Reply(boolean accepted, long value) {}

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String scriptSha;
    private final String process;
    private final boolean fenced;

    FencedStoreClient(int port, String process, boolean fenced) {
        this.process = process;
        this.fenced = fenced;
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream());
            in = new BufferedInputStream(socket.getInputStream());
            scriptSha = (String) call("SCRIPT", "LOAD", FencedStore.script());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the fenced store on port " + port, e);
        }
    }

    /** Reads the counter of {@code lock} with {@code token}. */
    Reply read(String lock, long token) {
        return run("read", lock, token, 0);
    }

    /** Writes {@code value} to the counter of {@code lock} with {@code token}. */
    Reply write(String lock, long token, long value) {
        return run("write", lock, token, value);
    }

    private Reply run(String kind, String lock, long token, long value) {
        try {
            Object reply = call(
                    "EVALSHA",
                    scriptSha,
                    "3",
                    FencedStore.highestKey(lock),
                    FencedStore.counterKey(lock),
                    FencedStore.logKey(lock),
                    kind,
                    String.format(Locale.ROOT, "%020d", token),
                    process,
                    Long.toString(value),
                    fenced ? "1" : "0");
            List<?> fields = (List<?>) reply;
            boolean accepted = (Long) fields.get(0) == 1L;
            return new Reply(accepted, accepted ? Long.parseLong((String) fields.get(1)) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException("fenced store: " + e.getMessage(), e);
        }
    }

    private Object call(String... args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            request.append('$')
                    .append(arg.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(arg)
                    .append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply();
    }

    private Object readReply() throws IOException {
        String line = readLine();
        return switch (line.charAt(0)) {
            case '+' -> line.substring(1);
            case '-' -> throw new IOException("store error: " + line.substring(1));
            case ':' -> Long.parseLong(line.substring(1));
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    yield "";
                }
                String bulk = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                readLine();
                yield bulk;
            }
            case '*' -> {
                int count = Integer.parseInt(line.substring(1));
                List<Object> elements = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    elements.add(readReply());
                }
                yield elements;
            }
            default -> throw new IOException("unexpected reply from the store: " + line);
        };
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("the store closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
