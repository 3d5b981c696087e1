package io.dlock.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launchers the demo and every backend's tests rely on: a real Redis, and the fault proxy in front of it. */
class RedisServerAndProxyIT {

    private static final int REPLY_TIMEOUT_MILLIS = 5_000;
    private static final int SILENCE_MILLIS = 300;

    @Test
    void aServerKeepsItsPortAcrossARestartThatLosesItsDataAndIsGoneWhenClosed() {
        RedisServer server = RedisServer.start();
        try {
            int port = server.port();
            assertThat(server.command("SET", "k", "v")).isEqualTo("+OK");
            server.restartLosingData();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.command("GET", "k")).isEqualTo("(nil)");
            server.command("SET", "k", "v");
            server.restartKeepingData();
            assertThat(server.command("GET", "k")).isEqualTo("v");
        } finally {
            server.close();
        }
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void theProxyForwardsHoldsWhileFrozenDeliversOnThawAndResetsOnDemand() throws Exception {
        try (RedisServer server = RedisServer.start();
                TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(REPLY_TIMEOUT_MILLIS);
            assertThat(ping(client)).isEqualTo("+PONG");

            proxy.freeze();
            send(client);
            client.setSoTimeout(SILENCE_MILLIS);
            assertThatThrownBy(() -> readLine(client.getInputStream()))
                    .as("no reply while frozen")
                    .isInstanceOf(SocketTimeoutException.class);
            client.setSoTimeout(REPLY_TIMEOUT_MILLIS);
            proxy.thaw();
            assertThat(readLine(client.getInputStream()))
                    .as("the held request, answered")
                    .isEqualTo("+PONG");

            proxy.dropConnections();
            assertThat(client.getInputStream().read())
                    .as("end of stream after a reset")
                    .isEqualTo(-1);
            try (Socket again = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                again.setSoTimeout(REPLY_TIMEOUT_MILLIS);
                assertThat(ping(again)).isEqualTo("+PONG");
            }
        }
    }

    private static String ping(Socket socket) throws IOException {
        send(socket);
        return readLine(socket.getInputStream());
    }

    private static void send(Socket socket) throws IOException {
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("connection closed after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
