package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.dlock.Lease;
import io.dlock.LockClient;
import io.dlock.Ticker;
import io.dlock.testkit.InMemoryLockServer;
import io.dlock.torture.Op.Kind;
import io.dlock.torture.Op.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker thread whose fenced store fails records the failure, releases its lock and dies loudly. */
class WorkerLoopTest {

    @TempDir
    Path dir;

    @Test
    void aFailingStoreIsRecordedAsAnErrorTheLockIsReleasedAndTheThreadDies() throws Exception {
        InMemoryLockServer server = new InMemoryLockServer(Ticker.system());
        try (ServerSocket store = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                LockClient client = LockClient.builder(server.opener())
                        .defaultLease(Duration.ofSeconds(30))
                        .build()) {
            Thread fake = new Thread(() -> answerScriptLoadThenHangUp(store), "fake-store");
            fake.setDaemon(true);
            fake.start();
            WorkerConfig config = new WorkerConfig(
                    1,
                    "memory://",
                    store.getLocalPort(),
                    1,
                    1,
                    Duration.ofSeconds(30),
                    Duration.ofMillis(5),
                    Duration.ofMillis(5),
                    Duration.ofSeconds(5),
                    WorkerMode.CORRECT,
                    System.nanoTime() + Duration.ofMinutes(1).toNanos(),
                    dir,
                    1);
            WorkerLoop loop = new WorkerLoop(config, 0, client, new AtomicBoolean());

            assertThatThrownBy(loop::run)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("fenced store");

            List<Op> history = Files.readAllLines(dir.resolve("w1.t0.tsv")).stream()
                    .map(Op::parse)
                    .toList();
            assertThat(history)
                    .extracting(Op::kind, Op::outcome)
                    .containsExactly(
                            tuple(Kind.ACQUIRE, Outcome.OK),
                            tuple(Kind.READ, Outcome.ERROR),
                            tuple(Kind.CHECK, Outcome.VALID),
                            tuple(Kind.RELEASE, Outcome.OK));
            Optional<Lease> again = client.lock(WorkerConfig.lockName(0)).tryAcquire(Duration.ZERO);
            assertThat(again).as("the dead thread's lock was released").isPresent();
            again.get().close();
        }
    }

    /** Plays a Redis that loads the script, then closes the connection at the first fenced operation. */
    private static void answerScriptLoadThenHangUp(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            readCommand(in);
            out.write("$3\r\nsha\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readCommand(in);
        } catch (IOException e) {
            // the test's assertions tell
        }
    }

    private static void readCommand(InputStream in) throws IOException {
        int count = Integer.parseInt(line(in).substring(1));
        for (int i = 0; i < count; i++) {
            int length = Integer.parseInt(line(in).substring(1));
            in.readNBytes(length + 2);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
